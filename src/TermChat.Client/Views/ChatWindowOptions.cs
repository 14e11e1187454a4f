namespace TermChat.Client.Views;

/// <summary>Settings for <see cref="ChatWindow"/>.</summary>
public sealed class ChatWindowOptions
{
    /// <summary>The time zone timestamps are shown in.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>The clock (for the reconnect countdown).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether the member list starts visible (F2 or Alt+M toggles it).</summary>
    public bool ShowMembers { get; init; } = true;

    /// <summary>
    /// Lines shown as notices in the first room once it opens, e.g. the addresses others can join
    /// when termchat hosts the server itself.
    /// </summary>
    public IReadOnlyList<string> Greeting { get; init; } = [];

    /// <summary>Colours off: only bold, faint and reverse (NO_COLOR set by default).</summary>
    public bool NoColor { get; init; } = ChatPalette.NoColorFromEnvironment;

    /// <summary>
    /// Chat colours for the high-contrast theme: nothing faint, nick and mention colours bright against its black
    /// background (on by default when that theme is the current one). NO_COLOR still wins.
    /// </summary>
    public bool HighContrast { get; init; } = Themes.IsHighContrast(Themes.Current);
}
