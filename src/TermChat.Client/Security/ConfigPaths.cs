namespace TermChat.Client.Security;

/// <summary>
/// Where the client keeps its own files: <c>$XDG_CONFIG_HOME/termchat</c> (<c>~/.config/termchat</c> when unset;
/// <c>%APPDATA%\termchat</c> on Windows).
/// </summary>
public static class ConfigPaths
{
    /// <summary>The directory (not created here).</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? Path.Combine(xdg, "termchat")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "termchat");

    /// <summary>The pinned server keys, one <c>HOST:PORT FINGERPRINT</c> a line, like ssh's known_hosts.</summary>
    public static string KnownServers => Path.Combine(Directory, "known_servers");

    /// <summary>The user's key pair, presented to servers as a TLS client certificate (mode 0600).</summary>
    public static string Identity => Path.Combine(Directory, "identity");
}
