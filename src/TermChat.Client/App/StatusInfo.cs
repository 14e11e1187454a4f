using TermChat.Client.Session;

namespace TermChat.Client.App;

/// <summary>Everything the status bar shows.</summary>
/// <param name="Server">The address as typed, e.g. "127.0.0.1:7777".</param>
/// <param name="ServerName">The name from the server's welcome; empty before it.</param>
/// <param name="ServerMode">The server's concurrency mode (select, threads, async).</param>
/// <param name="Transport">"TCP" or "UDP".</param>
/// <param name="Nick">Your nick.</param>
/// <param name="Room">The current room or conversation, if any.</param>
/// <param name="State">The connection state.</param>
/// <param name="RttMs">Round-trip time, when measured.</param>
/// <param name="LossPercent">Loss, where the transport sees it.</param>
/// <param name="Away">Your away reason; empty when present.</param>
public sealed record StatusInfo(
    string Server, string ServerName, string ServerMode, string Transport, string Nick, string? Room,
    ConnectionState State, double? RttMs, double? LossPercent, string Away);
