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

    /// <summary>The wire message of an entry.</summary>
    public static Message MessageOf(RoomEntry entry, bool replay) => entry.IsEvent
        ? new RoomEvent(entry.Room, entry.Seq, entry.TimeMs, entry.EventKind, entry.Nick, entry.Text, replay)
        : new RoomMessage(entry.Room, entry.Seq, entry.TimeMs, entry.Nick, entry.MessageKind, entry.Text, replay);
}
