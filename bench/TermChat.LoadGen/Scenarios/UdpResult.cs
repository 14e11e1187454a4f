using TermChat.LoadGen.Metrics;

namespace TermChat.LoadGen.Scenarios;

/// <summary>What one reliable-UDP run measured.</summary>
/// <param name="Target">The target name.</param>
/// <param name="OfferedRate">Messages per second offered.</param>
/// <param name="Sent">Messages sent.</param>
/// <param name="Delivered">Messages received back through the server.</param>
/// <param name="MessagesPerSecond">Delivered messages per second over the measured time.</param>
/// <param name="LossPercent">Messages missing, in percent of those sent.</param>
/// <param name="Latency">Latency from scheduled send time to receipt.</param>
/// <param name="Retransmissions">Datagrams the client resent, if known.</param>
/// <param name="ServerCpuSeconds">Server CPU seconds, if the pid was given.</param>
/// <param name="Error">Why the run did not complete cleanly, if it did not.</param>
public sealed record UdpResult(
    string Target, double OfferedRate, long Sent, long Delivered, double MessagesPerSecond, double LossPercent,
    LatencySummary Latency, long? Retransmissions, double? ServerCpuSeconds, string? Error);
