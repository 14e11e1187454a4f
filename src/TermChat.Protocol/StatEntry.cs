namespace TermChat.Protocol;

/// <summary>One named server figure, such as "connections" or "msgs_in_per_s".</summary>
public readonly record struct StatEntry(string Name, long Value);
