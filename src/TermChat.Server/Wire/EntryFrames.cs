using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.Server.Core;
using TermChat.Server.History;

namespace TermChat.Server.Wire;

/// <summary>
/// The TermChat frames of room entries and private messages, encoded once per entry and cached on it: every member
/// of a room is queued the same bytes, and a join replays bytes made before. Two threads may race to fill a cache
/// (the replay of a committed entry, say, beside its live fan-out); both make the same bytes, and either copy serves.
/// </summary>
internal static class EntryFrames
{
    /// <summary>The live frame of <paramref name="entry"/>.</summary>
    public static byte[] Live(RoomEntry entry) => entry.WireFrame ??= FrameEncoder.ToArray(MessageOf(entry, replay: false));

    /// <summary>
    /// The replay frame of <paramref name="entry"/>. RoomMessage and RoomEvent both end with their <c>replay</c> flag
    /// (PROTOCOL.md section 5), so it is the live frame with its last byte set: a copy rather than a second encode.
    /// </summary>
    public static byte[] Replay(RoomEntry entry)
    {
        if (entry.WireReplayFrame is { } cached) return cached;
        byte[] replay = (byte[])Live(entry).Clone();
        replay[^1] = 1;
        return entry.WireReplayFrame = replay;
    }

    public static byte[] Of(PrivateLine line) =>
        line.WireFrame ??= FrameEncoder.ToArray(new PrivateMessage(line.From, line.To, line.TimeMs, line.Text));

    /// <summary>Whether the entry is a moderation event, which sessions older than protocol version 3 cannot decode.</summary>
    public static bool IsModeration(RoomEntry entry) => entry.IsEvent && entry.EventKind >= RoomEventKind.Kick;

    /// <summary>
    /// A moderation event as a session of protocol version 1 or 2 understands it: a kick is the member's Part and a ban
    /// its Quit, with the operator and reason in the detail, so its member list stays right; anything else is a notice
    /// (not sequenced; the session never sees that seq, as if the entry were an event it does not show).
    /// </summary>
    public static Message? ForOlder(RoomEntry entry, bool replay)
    {
        int space = entry.Text.IndexOf(' ', StringComparison.Ordinal);
        string target = space < 0 ? entry.Text : entry.Text[..space];
        string rest = space < 0 ? "" : entry.Text[(space + 1)..];
        return entry.EventKind switch
        {
            RoomEventKind.Kick => new RoomEvent(entry.Room, entry.Seq, entry.TimeMs, RoomEventKind.Part, target, $"kicked by {entry.Nick}{(rest.Length > 0 ? $": {rest}" : "")}", replay),
            RoomEventKind.Ban => new RoomEvent(entry.Room, entry.Seq, entry.TimeMs, RoomEventKind.Quit, target, $"banned by {entry.Nick}{(rest.Length > 0 ? $": {rest}" : "")}", replay),
            _ when replay => null,
            RoomEventKind.Mode => new Notice(entry.Room, $"{entry.Nick} set mode {entry.Text} on {entry.Room}"),
            _ => new Notice(entry.Room, $"{entry.Nick}: {entry.EventKind.ToString().ToLowerInvariant()} {entry.Text}"),
        };
    }

    /// <summary>The wire message of an entry.</summary>
    public static Message MessageOf(RoomEntry entry, bool replay) => entry.IsEvent
        ? new RoomEvent(entry.Room, entry.Seq, entry.TimeMs, entry.EventKind, entry.Nick, entry.Text, replay)
        : new RoomMessage(entry.Room, entry.Seq, entry.TimeMs, entry.Nick, entry.MessageKind, entry.Text, replay);
}
