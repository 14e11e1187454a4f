namespace TermChat.Protocol;

/// <summary>Membership and room-state changes that are sequenced in a room's log.</summary>
public enum RoomEventKind : byte
{
    /// <summary>Nick joined the room.</summary>
    Join = 1,
    /// <summary>Nick left the room; detail is the reason.</summary>
    Part = 2,
    /// <summary>Nick disconnected; detail is the reason.</summary>
    Quit = 3,
    /// <summary>Nick changed; nick is the old nick, detail the new one.</summary>
    NickChange = 4,
    /// <summary>The topic changed; detail is the new topic.</summary>
    Topic = 5,
    /// <summary>Nick went away; detail is the reason.</summary>
    Away = 6,
    /// <summary>Nick is back.</summary>
    Back = 7,
}
