namespace TermChat.Protocol;

/// <summary>The last sequence number a client saw in a room; sent on resume to catch up exactly.</summary>
public readonly record struct RoomCursor(string Room, ulong LastSeq);
