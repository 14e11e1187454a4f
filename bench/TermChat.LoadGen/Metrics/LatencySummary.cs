namespace TermChat.LoadGen.Metrics;

/// <summary>Percentiles of one run, in microseconds.</summary>
public sealed record LatencySummary(long Count, double P50Us, double P99Us, double P999Us, double MaxUs, double MeanUs)
{
    /// <summary>No samples.</summary>
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Summarises a histogram of nanoseconds.</summary>
    public static LatencySummary FromNanoseconds(LatencyHistogram histogram) => histogram.Count == 0
        ? Empty
        : new(histogram.Count,
            histogram.ValueAtPercentile(50) / 1000.0,
            histogram.ValueAtPercentile(99) / 1000.0,
            histogram.ValueAtPercentile(99.9) / 1000.0,
            histogram.Max / 1000.0,
            histogram.Mean / 1000.0);
}
