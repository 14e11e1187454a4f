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
    /// <summary>Version 3. An operator (nick) removed a member from the room; detail is the member's nick, a space, the reason.</summary>
    Kick = 8,
    /// <summary>Version 3. An operator (nick) banned a member from the server; detail as for <see cref="Kick"/>.</summary>
    Ban = 9,
    /// <summary>Version 3. An operator (nick) muted a member; detail as for <see cref="Kick"/> (the reason names the duration).</summary>
    Mute = 10,
    /// <summary>Version 3. An operator (nick) unmuted a member; detail is the member's nick.</summary>
    Unmute = 11,
    /// <summary>Version 3. An operator (nick) gave a member voice; detail is the member's nick.</summary>
    Voice = 12,
    /// <summary>Version 3. An operator (nick) took voice away; detail is the member's nick.</summary>
    Devoice = 13,
    /// <summary>Version 3. An operator (nick) invited a nick (detail) into the room.</summary>
    Invite = 14,
    /// <summary>Version 3. An operator (nick) changed the room's modes; detail is the change: +i -i +k -k +m -m +t -t.</summary>
    Mode = 15,
}
