namespace TermChat.Client.App;

/// <summary>One server counter in a <see cref="StatsReport"/>.</summary>
/// <param name="Group">The section it belongs to: connections, messages, queues, disconnect reasons, UDP, other.</param>
/// <param name="Name">The counter's name as the server sent it.</param>
/// <param name="Value">Its value.</param>
public sealed record StatsRow(string Group, string Name, long Value);
