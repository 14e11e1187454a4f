namespace TermChat.Client.Diagnostics;

/// <summary>Round-trip statistics over a run of samples; a lost sample counts toward loss only.</summary>
/// <param name="Sent">Samples sent.</param>
/// <param name="Received">Samples answered in time.</param>
/// <param name="MinMs">Fastest round trip, in milliseconds (0 when none arrived).</param>
/// <param name="AvgMs">Mean round trip.</param>
/// <param name="MaxMs">Slowest round trip.</param>
/// <param name="JitterMs">Mean absolute difference between consecutive round trips (RFC 3550's idea, unsmoothed).</param>
public sealed record LatencyStats(int Sent, int Received, double MinMs, double AvgMs, double MaxMs, double JitterMs)
{
    /// <summary>Lost samples as a percentage of those sent.</summary>
    public double LossPercent => Sent == 0 ? 0 : 100.0 * (Sent - Received) / Sent;

    /// <summary>Summarizes samples; null entries are lost samples.</summary>
    public static LatencyStats From(IReadOnlyList<double?> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var arrived = samples.Where(s => s.HasValue).Select(s => s!.Value).ToList();
        if (arrived.Count == 0)
        {
            return new LatencyStats(samples.Count, 0, 0, 0, 0, 0);
        }
        double jitter = 0;
        for (int i = 1; i < arrived.Count; i++)
        {
            jitter += Math.Abs(arrived[i] - arrived[i - 1]);
        }
        jitter = arrived.Count > 1 ? jitter / (arrived.Count - 1) : 0;
        return new LatencyStats(samples.Count, arrived.Count, arrived.Min(), arrived.Average(), arrived.Max(), jitter);
    }

    public override string ToString() => Received == 0
        ? $"{Sent} sent, none answered"
        : $"rtt min/avg/max {MinMs:0.###}/{AvgMs:0.###}/{MaxMs:0.###} ms, jitter {JitterMs:0.###} ms, loss {LossPercent:0.#}% ({Received}/{Sent})";
}
