namespace TermChat.Protocol;

/// <summary>One row of the room list.</summary>
public readonly record struct RoomInfo(string Name, uint Members, string Topic);
