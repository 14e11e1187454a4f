namespace TermChat.Server;

/// <summary>
/// The lower-case names of <see cref="ServerMode"/> that users type (<c>--mode threads</c>), logs print and
/// <c>Welcome</c> carries, stated once so a parser, a banner and the wire cannot disagree.
/// </summary>
public static class ServerModeNames
{
    /// <summary>Every mode's name, in declaration order: select, threads, async.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<ServerMode>().Select(mode => mode.ToName()).ToArray();

    /// <summary>The mode's lower-case name, e.g. "threads".</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    public static string ToName(this ServerMode mode) => mode switch
    {
        ServerMode.Select => "select",
        ServerMode.Threads => "threads",
        ServerMode.Async => "async",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a server mode."),
    };

    /// <summary>Reads a mode's name, ignoring case; numbers are refused (Enum.TryParse would take "1").</summary>
    /// <returns>Whether <paramref name="name"/> names a mode.</returns>
    public static bool TryParse(string? name, out ServerMode mode)
    {
        foreach (var candidate in Enum.GetValues<ServerMode>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }
        mode = default;
        return false;
    }
}
