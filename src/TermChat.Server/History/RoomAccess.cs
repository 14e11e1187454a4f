using TermChat.Protocol;

namespace TermChat.Server.History;

/// <summary>
/// Who may enter a room and speak in it: its modes and the key joining needs. The log keeps it beside the room's
/// history, for as long as that history, so a room that empties does not open its kept history to anyone who creates
/// it again.
/// </summary>
/// <param name="Modes">Invite-only, key, moderated, topic lock.</param>
/// <param name="Key">The key joining needs while <see cref="RoomModeFlags.Key"/> is set; empty otherwise.</param>
internal sealed record RoomAccess(RoomModeFlags Modes, string Key)
{
    /// <summary>Every mode this build knows; a stored value with other bits came from a newer build.</summary>
    public const RoomModeFlags KnownModes = RoomModeFlags.InviteOnly | RoomModeFlags.Key | RoomModeFlags.Moderated | RoomModeFlags.TopicLocked;

    /// <summary>A room anyone may join and speak in: no mode, no key.</summary>
    public static RoomAccess Open { get; } = new(RoomModeFlags.None, "");
}
