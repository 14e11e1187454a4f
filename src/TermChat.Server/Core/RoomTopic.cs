namespace TermChat.Server.Core;

/// <summary>A room's topic: the answer to <see cref="ChatCore.TopicOf"/>.</summary>
/// <param name="Room">The canonical room name.</param>
/// <param name="Topic">The topic, empty if none.</param>
/// <param name="SetBy">Who set it, "" when not known (set before a restart, or before the room was last emptied).</param>
/// <param name="SetMs">When it was set (Unix ms), when <paramref name="SetBy"/> is known.</param>
internal sealed record RoomTopic(string Room, string Topic, string SetBy, long SetMs);
