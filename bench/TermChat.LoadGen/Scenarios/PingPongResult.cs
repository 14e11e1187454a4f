using TermChat.LoadGen.Metrics;

namespace TermChat.LoadGen.Scenarios;

/// <summary>What one ping-pong run measured.</summary>
/// <param name="Target">The target name.</param>
/// <param name="RoundTrips">Timed round trips.</param>
/// <param name="RoundTripsPerSecond">Round trips per second (one outstanding).</param>
/// <param name="Latency">Round-trip time.</param>
/// <param name="Error">Why the run ended early, if it did.</param>
public sealed record PingPongResult(string Target, long RoundTrips, double RoundTripsPerSecond, LatencySummary Latency, string? Error);
