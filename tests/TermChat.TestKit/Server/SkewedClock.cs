namespace TermChat.TestKit.Server;

/// <summary>
/// The system's clock with its wall time moved by <see cref="Offset"/>: a server on it reads the date a server with a
/// fast (or slow) clock would, while its timers and monotonic timestamps run as the system's do, so only what is dated
/// in wall time (entries, bans, mutes) sees the skew.
/// </summary>
public sealed class SkewedClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far this clock's wall time is ahead of the system's (negative: behind). May change while in use.</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
