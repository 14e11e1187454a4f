using System.CommandLine;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>
/// Where a server keeps its history: <c>--data FILE</c>, <c>--ephemeral</c>, or by default
/// <c>$XDG_DATA_HOME/termchat/PORT.db</c> (<c>%LOCALAPPDATA%\termchat\PORT.db</c> on Windows). Shared by `serve` and the
/// host-and-join `termchat`.
/// </summary>
internal sealed class DataOptions
{
    public Option<string?> Data { get; } = new("--data")
    {
        HelpName = "FILE",
        Description = "Keep history, seqs, topics and sessions in this SQLite file, across restarts (default: $XDG_DATA_HOME/termchat/PORT.db).",
    };

    public Option<bool> Ephemeral { get; } = new("--ephemeral")
    {
        Description = "Keep everything in memory only: a restart forgets history and sessions.",
    };

    /// <summary>The data file to use, or null for memory.</summary>
    /// <param name="data">--data as given, or null.</param>
    /// <param name="ephemeral">--ephemeral.</param>
    /// <param name="port">The port asked for: 0 picks a new port every run, so nothing is kept by default.</param>
    /// <exception cref="UsageException">--data and --ephemeral together, or an empty --data.</exception>
    public static string? Resolve(string? data, bool ephemeral, int port)
    {
        if (data is not null && ephemeral)
        {
            throw new UsageException("--data and --ephemeral contradict each other: keep history in a file (--data FILE) or in memory (--ephemeral), not both");
        }
        if (data is not null)
        {
            return data.Trim().Length == 0
                ? throw new UsageException("--data needs a file path, e.g. --data ~/chat.db; use --ephemeral to keep nothing")
                : Path.GetFullPath(data);
        }
        return ephemeral || port == 0 ? null : DefaultPath(port);
    }

    /// <summary>Where a server on <paramref name="port"/> keeps its data when not told otherwise.</summary>
    public static string DefaultPath(int port)
    {
        string root = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "termchat", $"{port}.db");
    }

    /// <summary>The banner line that says where history lives.</summary>
    public static string Describe(string? dataFile, int requestedPort) => dataFile is not null
        ? $"  History: {dataFile} (kept across restarts; --ephemeral keeps it in memory only)"
        : requestedPort == 0
            ? "  History: in memory only (--port 0 picks a new port each run; give --data FILE to keep it)"
            : "  History: in memory only (--ephemeral)";
}
