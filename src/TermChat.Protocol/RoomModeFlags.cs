namespace TermChat.Protocol;

/// <summary>A room's modes in <see cref="Messages.RoomModes"/> (protocol version 3); other bits are malformed.</summary>
[Flags]
public enum RoomModeFlags : byte
{
    None = 0,
    /// <summary>Only invited members and operators may join.</summary>
    InviteOnly = 1,
    /// <summary>Joining needs the room's key.</summary>
    Key = 2,
    /// <summary>Only operators and voiced members speak.</summary>
    Moderated = 4,
    /// <summary>Only operators set the topic.</summary>
    TopicLocked = 8,
}
