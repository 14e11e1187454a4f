using TermChat.Protocol.Messages;

namespace TermChat.Client.App;

/// <summary>
/// The server's /stats answer as a table: its counters sorted into groups (connections, messages, queues,
/// disconnect reasons, UDP, other) in that order, each group in the server's order.
/// </summary>
/// <param name="Mode">The server's concurrency mode.</param>
/// <param name="Rows">The counters, grouped.</param>
public sealed record StatsReport(string Mode, IReadOnlyList<StatsRow> Rows)
{
    private static readonly string[] s_groups = ["connections", "messages", "queues", "disconnect reasons", "UDP", "other"];

    /// <summary>Groups the counters of a Stats message.</summary>
    public static StatsReport From(Stats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var rows = stats.Entries.Select(e => new StatsRow(GroupOf(e.Name), e.Name, e.Value))
            .OrderBy(r => Array.IndexOf(s_groups, r.Group))
            .ToList();
        return new StatsReport(stats.Mode, rows);
    }

    private static string GroupOf(string name) => name switch
    {
        _ when name.StartsWith("udp", StringComparison.Ordinal) => "UDP",
        _ when name.StartsWith("disconnects_", StringComparison.Ordinal) => "disconnect reasons",
        "connections" or "accepted_total" => "connections",
        _ when name.StartsWith("connections", StringComparison.Ordinal) => "connections",
        _ when name.StartsWith("msgs_", StringComparison.Ordinal) || name.StartsWith("bytes_", StringComparison.Ordinal) => "messages",
        _ when name.StartsWith("sendq", StringComparison.Ordinal) || name.StartsWith("flood", StringComparison.Ordinal)
            || name.StartsWith("slow_", StringComparison.Ordinal) || name.StartsWith("protocol_errors", StringComparison.Ordinal) => "queues",
        _ => "other",
    };
}
