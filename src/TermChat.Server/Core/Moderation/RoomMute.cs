namespace TermChat.Server.Core.Moderation;

/// <summary>A nick an operator muted in a room: it may not speak there until the mute lapses or is lifted.</summary>
/// <param name="Room">The room, normalized.</param>
/// <param name="Nick">The muted nick as the operator gave it (compared ignoring case).</param>
/// <param name="UntilMs">When the mute lapses, in wall-clock Unix ms, or <see cref="long.MaxValue"/> for a mute until
/// an operator lifts it. Each server compares it with its own clock.</param>
internal sealed record RoomMute(string Room, string Nick, long UntilMs)
{
    /// <summary>The <see cref="UntilMs"/> of a mute that lasts until an operator lifts it.</summary>
    public const long UntilUnmuted = long.MaxValue;
}
