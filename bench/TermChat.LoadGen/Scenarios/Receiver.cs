using System.Diagnostics;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Scheduling;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Counts probes arriving on one connection and records their latency from the scheduled send time.
/// One per connection, written only by that connection's receive loop; totals are read racily for
/// progress and exactly after the loops have stopped.
/// </summary>
public sealed class Receiver : IProbeSink
{
    private static readonly double s_nanosPerTick = 1e9 / Stopwatch.Frequency;

    private readonly bool _count;
    private long _delivered;

    /// <summary>Creates a receiver.</summary>
    /// <param name="measureFromTicks">Probes scheduled before this (warm-up) are counted but not timed.</param>
    /// <param name="count">False for a publisher draining its own echoes: nothing is counted.</param>
    public Receiver(long measureFromTicks, bool count = true)
    {
        MeasureFromTicks = measureFromTicks;
        _count = count;
    }

    /// <summary>Probes scheduled before this are counted but not timed; set before the publishers start.</summary>
    public long MeasureFromTicks { get; set; }

    /// <summary>Latencies of measured probes, in nanoseconds.</summary>
    public LatencyHistogram Histogram { get; } = new();

    /// <summary>Probes received (warm-up included).</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Probes received that were scheduled after the warm-up.</summary>
    public long Measured { get; private set; }

    /// <summary>When the last probe arrived (Stopwatch ticks).</summary>
    public long LastDeliveryTicks { get; private set; }

    /// <summary>The arrival time stamped on every probe of the current receive (one clock read per receive).</summary>
    public long NowTicks { get; set; }

    /// <summary>Why the connection ended early, if it did.</summary>
    public string? Failure { get; set; }

    /// <summary>Whether the start-of-run sync message has arrived here (the delivery path is in place).</summary>
    public bool SyncSeen { get; private set; }

    /// <inheritdoc/>
    public void OnText(ReadOnlySpan<byte> text)
    {
        if (!_count) return;
        if (!ProbeText.TryRead(text, out _, out _, out long scheduled))
        {
            if (text.SequenceEqual(ProbeText.Sync)) SyncSeen = true;
            return;
        }
        Volatile.Write(ref _delivered, _delivered + 1);
        LastDeliveryTicks = NowTicks;
        if (scheduled >= MeasureFromTicks)
        {
            Measured++;
            Histogram.Record((long)((NowTicks - scheduled) * s_nanosPerTick));
        }
    }
}
