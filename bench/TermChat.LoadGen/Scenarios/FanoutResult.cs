using TermChat.LoadGen.Metrics;

namespace TermChat.LoadGen.Scenarios;

/// <summary>What one fan-out run measured.</summary>
/// <param name="Target">The target name.</param>
/// <param name="Subscribers">Receiving clients.</param>
/// <param name="Publishers">Sending clients.</param>
/// <param name="OfferedRate">Messages per second offered (before fan-out).</param>
/// <param name="Sent">Messages sent.</param>
/// <param name="Expected">Deliveries expected: scheduled messages × subscribers (a message the server did not accept in time counts as lost).</param>
/// <param name="Delivered">Deliveries received.</param>
/// <param name="DeliveriesPerSecond">Measured deliveries per second.</param>
/// <param name="LossPercent">Deliveries missing, in percent of expected.</param>
/// <param name="Latency">Latency from scheduled send time to receipt.</param>
/// <param name="ServerCpuSeconds">Server CPU seconds used during the run, if the pid was given.</param>
/// <param name="GeneratorCpuSeconds">CPU seconds this load generator used during the run (to show it was not the bottleneck).</param>
/// <param name="Error">Why the run did not complete cleanly, if it did not.</param>
public sealed record FanoutResult(
    string Target,
    int Subscribers,
    int Publishers,
    double OfferedRate,
    long Sent,
    long Expected,
    long Delivered,
    double DeliveriesPerSecond,
    double LossPercent,
    LatencySummary Latency,
    double? ServerCpuSeconds,
    double GeneratorCpuSeconds,
    string? Error)
{
    /// <summary>Per node, when the subscribers were spread over several (`--node`); null otherwise.</summary>
    public IReadOnlyList<NodeLatency>? ByNode { get; init; }

    /// <summary>The sweep's pass rule: every message delivered, p99 within the bound, no error.</summary>
    public bool Meets(double p99LimitUs) => Error is null && Delivered >= Expected && Latency.Count > 0 && Latency.P99Us <= p99LimitUs;
}
