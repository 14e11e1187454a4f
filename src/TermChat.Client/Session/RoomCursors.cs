using TermChat.Protocol;

namespace TermChat.Client.Session;

/// <summary>
/// The rooms the session is in and what it has seen of each (<see cref="RoomSequence"/>): the cursors a Hello resumes
/// from, and the filter that keeps a room's message or event from reaching the app twice when a replay after a
/// reconnect overlaps what arrived live. Room names compare without case, as on the server. Not thread-safe: the
/// session's lock guards it.
/// </summary>
internal sealed class RoomCursors
{
    private readonly Dictionary<string, RoomSequence> _rooms = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every room with the highest seq seen in it, at most <paramref name="max"/>.</summary>
    public RoomCursor[] Take(int max = int.MaxValue) => [.. _rooms.Take(max).Select(r => new RoomCursor(r.Key, r.Value.Max))];

    /// <summary>Records a room's seq and says whether it is new.</summary>
    public bool TryAccept(string room, ulong seq)
    {
        if (!_rooms.TryGetValue(room, out var seen))
        {
            // An event for a room before its RoomJoined (our own join, say): start tracking now.
            _rooms[room] = seen = new RoomSequence();
        }
        return seen.TryAccept(seq);
    }

    /// <summary>The server says we are in <paramref name="room"/>, whose log ends at <paramref name="lastSeq"/>.</summary>
    public void OnJoined(string room, ulong lastSeq)
    {
        if (!_rooms.TryGetValue(room, out var seen))
        {
            _rooms[room] = new RoomSequence();
        }
        else if (lastSeq < seen.Max)
        {
            // The room's log went backwards: the server restarted and lost it. Start over.
            seen.Reset();
        }
    }

    /// <summary>We left <paramref name="room"/>: it is no longer resumed.</summary>
    public void OnParted(string room) => _rooms.Remove(room);
}
