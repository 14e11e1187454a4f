namespace TermChat.Cli.Commands;

/// <summary>How the full-screen view looks and what it keeps; ignored in plain mode.</summary>
/// <param name="ScrollbackLines">Lines of scrollback kept per room (older ones are dropped, so memory stays bounded).</param>
/// <param name="Theme">The Terminal.Gui theme by name; null keeps the configured one.</param>
internal sealed record FullScreenSettings(int ScrollbackLines = FullScreenSettings.DefaultScrollback, string? Theme = null)
{
    /// <summary>The scrollback kept per room unless --scrollback says otherwise.</summary>
    public const int DefaultScrollback = 5000;
}
