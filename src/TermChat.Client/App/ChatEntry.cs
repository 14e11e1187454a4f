namespace TermChat.Client.App;

/// <summary>
/// One line of scrollback. Text is as the peer sent it (not sanitized): plain mode and the views pass it
/// through <see cref="TermChat.Protocol.Text.TextSanitizer"/> where it reaches the terminal.
/// </summary>
/// <param name="Id">App-wide increasing id; the unread marker refers to it.</param>
/// <param name="Kind">What the line is.</param>
/// <param name="Time">When it happened (server time for sequenced entries).</param>
/// <param name="Room">The room or private conversation it belongs to; null for server-wide lines.</param>
/// <param name="From">Who said or did it, if anyone.</param>
/// <param name="Text">The message text, or a readable description for events.</param>
public sealed record ChatEntry(long Id, EntryKind Kind, DateTimeOffset Time, string? Room, string? From, string Text)
{
    /// <summary>The room's sequence number, for sequenced messages and events.</summary>
    public ulong? Seq { get; init; }

    /// <summary>The recipient of a private message.</summary>
    public string? To { get; init; }

    /// <summary>Whether the line mentions you (your nick as a word), or is a private message to you.</summary>
    public bool IsMention { get; init; }

    /// <summary>Whether you sent it.</summary>
    public bool IsOwn { get; init; }

    /// <summary>Whether it came from a history replay.</summary>
    public bool IsReplay { get; init; }

    /// <summary>Extra detail: the new nick, the away reason, the number of missed messages.</summary>
    public string? Detail { get; init; }
}
