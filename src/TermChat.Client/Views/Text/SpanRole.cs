namespace TermChat.Client.Views.Text;

/// <summary>What a piece of text is; <see cref="ChatPalette"/> turns it into colours and attributes for the theme.</summary>
public enum SpanRole
{
    /// <summary>Ordinary text in the view's normal colours.</summary>
    Normal,

    /// <summary>Timestamps, events, separators, away members.</summary>
    Dim,

    /// <summary>A line that mentions you, and rooms with mentions.</summary>
    Mention,

    /// <summary>Errors.</summary>
    Error,

    /// <summary>Local status lines (transport switches, netcheck).</summary>
    Status,

    /// <summary>A nick in its colour (<see cref="SpanStyle.NickColor"/>).</summary>
    Nick,

    /// <summary>Your own nick: its colour, bold.</summary>
    OwnNick,

    /// <summary>The unread marker line.</summary>
    Marker,

    /// <summary>Emphasis: rooms with unread lines, the connection state when it is not "connected".</summary>
    Bold,

    /// <summary>The selected room, the title bar, the "new messages" indicator.</summary>
    Reverse,
}
