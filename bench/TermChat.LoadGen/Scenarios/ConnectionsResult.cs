namespace TermChat.LoadGen.Scenarios;

/// <summary>What one connections run measured.</summary>
/// <param name="Target">The target name.</param>
/// <param name="Requested">Connections asked for.</param>
/// <param name="Established">Connections that completed their handshake.</param>
/// <param name="Alive">Connections still open when memory was read.</param>
/// <param name="RampSeconds">Time to open them all.</param>
/// <param name="RssBeforeBytes">Server RSS before the ramp.</param>
/// <param name="RssAfterBytes">Server RSS with the connections open.</param>
/// <param name="RssPerConnectionBytes">(after − before) / alive.</param>
/// <param name="Error">The first connection failure, if any.</param>
public sealed record ConnectionsResult(
    string Target, int Requested, int Established, int Alive, double RampSeconds,
    long RssBeforeBytes, long RssAfterBytes, double RssPerConnectionBytes, string? Error)
{
    /// <summary>The server's CPU time (user + system) from before the ramp to after the settle; null if unreadable.</summary>
    public double? ServerCpuSeconds { get; init; }
}
