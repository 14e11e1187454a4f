using TermChat.Protocol;
using TermChat.Server.History;

namespace TermChat.Server.Core;

// The room side of the core: joining and leaving, what is said and set in rooms, and sequencing through the log.
internal sealed partial class ChatCore
{
    public void Join(CoreSession session, string room)
    {
        lock (_gate)
        {
            if (TryRoomName(session, room, out string name)) JoinRoom(session, name, cursor: null, key: "");
        }
    }

    public void Part(CoreSession session, string room, string reason)
    {
        lock (_gate)
        {
            if (!TryRoomName(session, room, out string name)) return;
            if (!_rooms.TryGetValue(name, out var found) || !session.Rooms.Contains(found))
            {
                session.Sink?.Error(ErrorCode.NotInRoom, $"You are not in {name}.");
                return;
            }
            found.Members.Remove(session);
            session.Rooms.Remove(found);
            Saved(session);
            Append(found, RoomEntryDraft.Event(found.Name, WallMs(), RoomEventKind.Part, session.Nick, reason));
            session.Sink?.Parted(found.Name);
            DeleteIfUnused(found);
        }
    }

    public void Say(CoreSession session, string room, MessageKind kind, string text)
    {
        lock (_gate)
        {
            if (!TryMemberRoom(session, room, out var found)) return;
            if (SpeakRefusal(session, found) is { } muted)
            {
                session.Sink?.Error(ErrorCode.Muted, muted);
                return;
            }
            if (text.Length == 0)
            {
                session.Sink?.Error(ErrorCode.NotAllowed, "An empty message is not sent.");
                return;
            }
            if (_log.Refusal is { } refusal)
            {
                session.Sink?.Error(ErrorCode.StorageUnavailable, refusal);
                return;
            }
            Append(found, RoomEntryDraft.Message(found.Name, WallMs(), session.Nick, kind, text), author: session);
        }
    }

    public void SetTopic(CoreSession session, string room, string topic)
    {
        lock (_gate)
        {
            if (!TryMemberRoom(session, room, out var found)) return;
            if ((found.Modes & RoomModeFlags.TopicLocked) != 0 && !IsOperator(session))
            {
                session.Sink?.Error(ErrorCode.NotOperator, $"The topic of {found.Name} is locked: only operators set it.");
                return;
            }
            _log.SetTopic(found.Name, topic);
            found.TopicBy = session.Nick;
            found.TopicMs = WallMs();
            Append(found, RoomEntryDraft.Event(found.Name, WallMs(), RoomEventKind.Topic, session.Nick, topic));
        }
    }

    public void ListMembers(CoreSession session, string room)
    {
        lock (_gate)
        {
            if (!TryRoomName(session, room, out string name)) return;
            if (_rooms.TryGetValue(name, out var found))
            {
                session.Sink?.Members(found.Name, MembersOf(found));
            }
            else if (_claims?.RemoteMembers(name) is { Count: > 0 } remote)
            {
                // Nobody here is in it, but the room has members on other servers of the cluster.
                session.Sink?.Members(name, [.. remote.OrderBy(member => member.Nick, StringComparer.OrdinalIgnoreCase)]);
            }
            else
            {
                session.Sink?.Error(ErrorCode.InvalidRoom, $"There is no room {name}.");
            }
        }
    }

    /// <summary>The rooms with people in them (on every server of a cluster), with member counts and topics.</summary>
    public void ListRooms(CoreSession session)
    {
        lock (_gate)
        {
            var counts = _rooms.Values
                .Where(room => room.Members.Count > 0 || room.Name == NameRules.Lobby)
                .ToDictionary(room => room.Name, room => room.Members.Count, StringComparer.Ordinal);
            foreach (var (name, remote) in _claims?.RemoteRoomCounts() ?? new Dictionary<string, int>())
            {
                counts[name] = counts.GetValueOrDefault(name) + remote;
            }
            // The busiest rooms first if there are more than a listing carries; then by name.
            var rooms = counts
                .OrderByDescending(room => room.Value)
                .Take(MaxListedRooms)
                .OrderBy(room => room.Key, StringComparer.Ordinal)
                .Select(room => new RoomInfo(room.Key, (uint)room.Value, _log.Topic(room.Key)))
                .ToArray();
            session.Sink?.Rooms(rooms);
        }
    }

    /// <summary>
    /// Searches a room's stored messages. Membership is not needed (anyone may join a room and read its replay). The
    /// log answers later, off the lock; the lock is taken again only to hand the answer to the session's sink of the
    /// moment (it may have resumed on another connection meanwhile).
    /// </summary>
    public void Search(CoreSession session, string room, string words)
    {
        lock (_gate)
        {
            if (!TryRoomName(session, room, out string name)) return;
            if (string.IsNullOrWhiteSpace(words))
            {
                session.Sink?.Error(ErrorCode.NotAllowed, "A search needs at least one word.");
                return;
            }
            _log.Search(name, words, ProtocolLimits.MaxSearchResults,
                found =>
                {
                    lock (_gate) session.Sink?.SearchResults(name, words, found);
                },
                failure =>
                {
                    lock (_gate) session.Sink?.Error(ErrorCode.InternalError, failure);
                });
        }
    }

    /// <summary>A room's topic and who set it (when known), or null if there is no such room. A query, not a command.</summary>
    public RoomTopic? TopicOf(string room)
    {
        if (!NameRules.TryNormalizeRoom(room, out string name, out _)) return null;
        lock (_gate)
        {
            return _rooms.TryGetValue(name, out var found) ? new RoomTopic(found.Name, _log.Topic(found.Name), found.TopicBy, found.TopicMs) : null;
        }
    }

    private void JoinRoom(CoreSession session, string name, ulong? cursor, string key)
    {
        if (!_rooms.TryGetValue(name, out var room))
        {
            if (_rooms.Count >= _options.MaxRooms)
            {
                session.Sink?.Error(ErrorCode.NotAllowed, $"The server has {_rooms.Count} rooms, the most it allows; join an existing room.");
                return;
            }
            room = NewRoom(name);
            _rooms[name] = room;
        }
        if (session.Rooms.Contains(room))
        {
            session.Sink?.Joined(JoinState(room, cursor));
            return;
        }
        if (JoinRefusal(session, room, key) is { } refusal)
        {
            session.Sink?.Error(refusal.Code, refusal.Text);
            return;
        }
        if (session.Rooms.Count >= _options.MaxRoomsPerUser)
        {
            session.Sink?.Error(ErrorCode.NotAllowed, $"You are in {session.Rooms.Count} rooms, the most allowed; part one first.");
            DeleteIfUnused(room);
            return;
        }
        // The join is sequenced before the joiner becomes a member: it sees its own join in the replay that
        // follows, everyone else sees it live, and nobody sees it twice.
        Append(room, RoomEntryDraft.Event(room.Name, WallMs(), RoomEventKind.Join, session.Nick, ""));
        room.Members.Add(session);
        session.Rooms.Add(room);
        room.Invited.Remove(session.Nick);
        Saved(session);
        session.Sink?.Joined(JoinState(room, cursor));
        // The others' operator and voice marks change only when such a member arrives.
        if (IsOperator(session) || room.Voiced.Contains(session.Nick)) SendModes(room);
        else SendModes(room, session);
    }

    /// <summary>
    /// The room and exactly the entries after the cursor (PROTOCOL.md section 10). The replay is capped at half the
    /// send queue so that joining a room full of long messages can never make the joiner a slow consumer; entries
    /// left out count as missed for a resume. A cursor above the last seq replays nothing.
    /// </summary>
    private JoinedRoom JoinState(CoreRoom room, ulong? cursor)
    {
        ulong last = room.VisibleSeq;
        ulong after = cursor is { } c ? Math.Min(c, last) : 0;
        var read = _log.Read(room.Name, after, int.MaxValue, _options.MaxSendQueueBytes / 2);
        // A slow log may have committed entries the core has not delivered yet: they come live, not in the replay.
        var shown = read.Entries.Count > 0 && read.Entries[^1].Seq > last ? read.Entries.Where(entry => entry.Seq <= last).ToList() : read.Entries;
        var history = new RoomSlice(shown, last);
        ulong missed = cursor is null ? 0 : history.FirstSeq - (after + 1);
        return new JoinedRoom(room.Name, _log.Topic(room.Name), MembersOf(room), history, missed) { TopicBy = room.TopicBy, TopicMs = room.TopicMs };
    }

    /// <summary>Sequences an entry in the room's log; members see it once the log has committed it.</summary>
    /// <param name="room">The room.</param>
    /// <param name="draft">The entry.</param>
    /// <param name="author">Who said it, for a message: its echo is the author's acknowledgement, owed even if the
    /// author has left the room by the time a slow log commits it.</param>
    private void Append(CoreRoom room, RoomEntryDraft draft, CoreSession? author = null)
    {
        var entry = _log.Append(draft, out bool committed);
        if (committed) Deliver(room, entry);
        else if (author is not null) _awaitingEcho[entry] = author;
    }

    private void OnCommitted(IReadOnlyList<RoomEntry> entries)
    {
        // A committed batch is one fan-out: each member's writer (threads mode) is woken once for the whole batch, after
        // the lock is let go, not once per entry.
        HeldWakes.Begin();
        try
        {
            lock (_gate)
            {
                foreach (var entry in entries)
                {
                    _rooms.TryGetValue(entry.Room, out var room);
                    if (room is not null) Deliver(room, entry);
                    if (entry.IsEvent && _claims is not null) ModeratedElsewhere(room, entry);
                    if (_awaitingEcho.Remove(entry, out var author) && author.Sink is { } sink && room?.Members.Contains(author) != true)
                    {
                        sink.Entry(entry);
                    }
                }
            }
        }
        finally
        {
            HeldWakes.End();
        }
    }

    private void Deliver(CoreRoom room, RoomEntry entry)
    {
        if (entry.Seq <= room.VisibleSeq) return;
        room.VisibleSeq = entry.Seq;
        if (room.Members.Count == 0) return;
        // Counted once per entry, not per member: two interlocked adds per delivery were a visible share of a
        // 100-member fan-out.
        int delivered = 0;
        long bytes = 0;
        // Every member's writer is woken once all are queued (threads mode), not one by one in between.
        HeldWakes.Begin();
        try
        {
            foreach (var member in room.Members)
            {
                if (member.Sink is not { } sink) continue;
                int queued = sink.Entry(entry);
                if (queued == 0) continue;
                delivered++;
                bytes += queued;
            }
        }
        finally
        {
            HeldWakes.End();
        }
        if (delivered > 0) _stats.FrameOut(delivered, bytes);
    }

    /// <summary>
    /// A room that comes to exist again: its seqs continue, and the modes and key the log kept hold again. In a cluster
    /// so do the mutes the cluster keeps for it (given on any server, perhaps before this one started); one found lapsed
    /// is dropped everywhere.
    /// </summary>
    private CoreRoom NewRoom(string name)
    {
        var access = _log.Access(name);
        var room = new CoreRoom(name, _log.LastSeq(name)) { Modes = access.Modes, Key = access.Key };
        if (_shared is null) return room;
        long now = WallMs();
        foreach (var mute in _shared.Mutes(name))
        {
            if (mute.UntilMs > now) room.Muted[mute.Nick] = mute.UntilMs;
            else _shared.MuteLapsed(mute);
        }
        return room;
    }

    private void DeleteIfUnused(CoreRoom room)
    {
        if (room.Members.Count == 0 && room.Name != NameRules.Lobby)
        {
            _rooms.Remove(room.Name);
            _log.Release(room.Name);
        }
    }

    private static bool TryRoomName(CoreSession session, string room, out string name)
    {
        if (NameRules.TryNormalizeRoom(room, out name, out string problem)) return true;
        session.Sink?.Error(ErrorCode.InvalidRoom, problem);
        return false;
    }

    private bool TryMemberRoom(CoreSession session, string roomName, out CoreRoom room)
    {
        room = null!;
        if (!TryRoomName(session, roomName, out string name)) return false;
        if (_rooms.TryGetValue(name, out var found) && session.Rooms.Contains(found))
        {
            room = found;
            return true;
        }
        session.Sink?.Error(ErrorCode.NotInRoom, $"You are not in {name}; join it first.");
        return false;
    }
}
