using TermChat.Protocol;

namespace TermChat.Server.History;

/// <summary>A room entry before the log has given it a seq.</summary>
internal readonly record struct RoomEntryDraft(string Room, long TimeMs, string Nick, bool IsEvent, MessageKind MessageKind, RoomEventKind EventKind, string Text)
{
    public static RoomEntryDraft Message(string room, long timeMs, string nick, MessageKind kind, string text) =>
        new(room, timeMs, nick, IsEvent: false, kind, default, text);

    public static RoomEntryDraft Event(string room, long timeMs, RoomEventKind kind, string nick, string detail) =>
        new(room, timeMs, nick, IsEvent: true, default, kind, detail);
}
