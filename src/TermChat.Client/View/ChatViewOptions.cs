namespace TermChat.Client.LegacyView;

/// <summary>Settings for <see cref="ChatView"/>.</summary>
public sealed class ChatViewOptions
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
}
