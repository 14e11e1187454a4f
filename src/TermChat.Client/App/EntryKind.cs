namespace TermChat.Client.App;

/// <summary>What a line in a room's scrollback is. The JSON output uses the lowercase name as "type".</summary>
public enum EntryKind
{
    /// <summary>Someone said something in a room.</summary>
    Message,
    /// <summary>"/me" in a room.</summary>
    Action,
    /// <summary>A private message, sent or received.</summary>
    Private,
    /// <summary>Someone (or you) joined a room.</summary>
    Join,
    /// <summary>Someone (or you) left a room.</summary>
    Part,
    /// <summary>Someone disconnected.</summary>
    Quit,
    /// <summary>Someone (or you) changed nick.</summary>
    Nick,
    /// <summary>The topic was changed or shown.</summary>
    Topic,
    /// <summary>Someone went away.</summary>
    Away,
    /// <summary>Someone came back.</summary>
    Back,
    /// <summary>A server notice.</summary>
    Notice,
    /// <summary>An error from the server or from a command.</summary>
    Error,
    /// <summary>History could not be replayed fully.</summary>
    History,
    /// <summary>The server's welcome.</summary>
    Welcome,
    /// <summary>The connection state changed.</summary>
    Status,
    /// <summary>A member list.</summary>
    Names,
    /// <summary>One row of the room list.</summary>
    Rooms,
    /// <summary>Server statistics.</summary>
    Stats,
    /// <summary>Local information such as /help.</summary>
    Info,
}
