namespace TermChat.Server.Discovery;

/// <summary>What a discovery reply says about the server right now.</summary>
/// <param name="Name">The server name.</param>
/// <param name="Mode">The concurrency mode (select, threads, async).</param>
/// <param name="Users">Connected users.</param>
public sealed record DiscoveryStatus(string Name, string Mode, int Users);
