namespace TermChat.LoadGen.Scheduling;

/// <summary>
/// When each message of an open-loop stream is due: message <c>i</c> at <c>start + i / rate</c>. A sender
/// that falls behind sends every overdue message at once, stamped with its scheduled time, so latency is
/// measured from when the message should have left (no coordinated omission).
/// </summary>
public readonly struct OpenLoopSchedule
{
    private readonly double _ticksPerMessage;

    /// <summary>Creates a schedule.</summary>
    /// <param name="startTicks">The due time of message 0, in <paramref name="ticksPerSecond"/> units.</param>
    /// <param name="ratePerSecond">Messages per second; must be positive.</param>
    /// <param name="ticksPerSecond">The clock's frequency (Stopwatch.Frequency).</param>
    /// <param name="count">Messages in the stream.</param>
    public OpenLoopSchedule(long startTicks, double ratePerSecond, long ticksPerSecond, long count)
    {
        if (!(ratePerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "The rate must be positive.");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        StartTicks = startTicks;
        Count = count;
        _ticksPerMessage = ticksPerSecond / ratePerSecond;
    }

    /// <summary>Due time of the first message.</summary>
    public long StartTicks { get; }

    /// <summary>Messages in the stream.</summary>
    public long Count { get; }

    /// <summary>When message <paramref name="index"/> is due.</summary>
    public long DueTicks(long index) => StartTicks + (long)(index * _ticksPerMessage);

    /// <summary>How many messages are due at <paramref name="nowTicks"/> (0..Count).</summary>
    public long DueCount(long nowTicks)
    {
        if (nowTicks < StartTicks) return 0;
        long due = (long)((nowTicks - StartTicks) / _ticksPerMessage) + 1;
        // Guard the floor against rounding: message `due` must not be due yet, message `due-1` must be.
        while (due > 0 && DueTicks(due - 1) > nowTicks) due--;
        while (due < Count && DueTicks(due) <= nowTicks) due++;
        return Math.Min(due, Count);
    }

    /// <summary>Messages in a run of <paramref name="seconds"/> at <paramref name="ratePerSecond"/> (at least 1).</summary>
    public static long MessagesFor(double ratePerSecond, double seconds) => Math.Max(1, (long)Math.Round(ratePerSecond * seconds));
}
