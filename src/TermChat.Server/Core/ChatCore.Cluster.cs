using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.Core.Identity;
using TermChat.Server.Core.Moderation;
using TermChat.Server.History;

namespace TermChat.Server.Core;

// The cluster side of the core: sessions that move between servers, and those of servers that died.
internal sealed partial class ChatCore
{
    /// <summary>
    /// A resume whose session another server held: it is this server's now (the claim was taken over on the cluster,
    /// exactly once). The session comes back with its token, nick, key, away text and rooms; the rooms never saw it
    /// leave, so they are told nothing, and the client gets exactly the entries after each cursor (seqs are the same
    /// on every server). Under the lock.
    /// </summary>
    private Registration TakeOver(ISessionSink sink, SessionRecord record, ResumeToken token, IReadOnlyList<RoomCursor> cursors, System.Net.IPAddress? address)
    {
        var session = new CoreSession(record.Nick, token) { KeyFingerprint = record.KeyFingerprint, Away = record.Away, Address = address };
        _sessions.Restore(session);
        AddToRooms(session, record.Rooms);
        Log.TakenOver(_logger, session.Nick);
        Resume(sink, session, token, cursors);
        return new Registration(session, default, "");
    }

    /// <summary>
    /// Who is in a room: this server's members and, in a cluster, the other nodes' (as far as this node has followed
    /// the cluster's sessions), in case-insensitive nick order. Under the lock.
    /// </summary>
    private Member[] MembersOf(CoreRoom room)
    {
        var local = room.MemberList();
        if (_claims is null) return local;
        var remote = _claims.RemoteMembers(room.Name);
        if (remote.Count == 0) return local;
        return [.. local.Concat(remote).DistinctBy(member => member.Nick, NameRules.NickComparer).OrderBy(member => member.Nick, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// A private message to a user another server holds: it goes there through the cluster, and the sender gets the echo
    /// now, as for a user here. What cannot be delivered after all is told to the sender (never silently lost). Under the
    /// lock.
    /// </summary>
    private void PrivateToRemote(CoreSession session, RemoteUser remote, string text)
    {
        var line = new PrivateLine(session.Nick, remote.Info.Nick, WallMs(), text);
        if (!_claims!.SendPrivate(line, remote.Node, reason =>
            {
                lock (_gate)
                {
                    if (!session.Ended) session.Sink?.Notice(reason);
                }
            }))
        {
            session.Sink?.Error(ErrorCode.StorageUnavailable,
                $"The cluster is unavailable: {remote.Info.Nick} is on another server, and private messages there are refused until this server reconnects to it.");
            return;
        }
        session.Sink?.Private(line);
    }

    /// <summary>
    /// A private message another server sent for a user here: delivered as one from a user here would be. A user whose
    /// connection dropped (waiting for a resume) cannot take it: the sender is told, rather than the message vanishing.
    /// </summary>
    private PrivateArrival OnPrivateArrived(PrivateLine line)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetByNick(line.To, out var target)) return PrivateArrival.Nobody;
            if (target.Sink is null) return PrivateArrival.Detached;
            target.Sink.Private(new PrivateLine(line.From, target.Nick, line.TimeMs, line.Text));
            return PrivateArrival.Delivered;
        }
    }

    /// <summary>
    /// The cluster says a session of this server is another's now (resumed there), or was removed while this server
    /// was cut off. It ends here without a Quit: for the rooms, the user never left. Its connection, if any, closes.
    /// </summary>
    private void OnClaimLost(string tokenHash)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetByTokenHash(tokenHash, out var session) || session.Ended) return;
            session.Sink?.Replaced("Your session was resumed on another server of the cluster.");
            _sessions.Remove(session);
            session.Sink = null;
            session.Ended = true;
            foreach (var room in session.Rooms)
            {
                room.Members.Remove(session);
                DeleteIfUnused(room);
            }
            session.Rooms.Clear();
        }
    }

    /// <summary>
    /// A session of a server that died was not resumed within the window: its rooms get its Quit, as for a dropped
    /// link on this server. The cluster makes sure exactly one server sends them.
    /// </summary>
    private void OnRemoteSessionExpired(SessionRecord record)
    {
        lock (_gate)
        {
            foreach (string name in record.Rooms)
            {
                if (!NameRules.TryNormalizeRoom(name, out string room, out _)) continue;
                bool known = _rooms.TryGetValue(room, out var found);
                found ??= NewRoom(room);
                if (!known) _rooms[room] = found;
                Append(found, RoomEntryDraft.Event(room, WallMs(), RoomEventKind.Quit, record.Nick, "connection lost (its server left the cluster)"));
                DeleteIfUnused(found);
            }
        }
    }

    /// <summary>Another server bound a nick to a key (or this server's own binding came back): this server refuses it too.</summary>
    private void OnOwnerSet(NickOwner owner)
    {
        lock (_gate) _owners.Apply(owner);
    }

    /// <summary>A binding was released on some server (<c>/nick --release</c>): the nick is free here too.</summary>
    private void OnOwnerRemoved(NickOwner owner)
    {
        lock (_gate) _owners.Forget(owner);
    }

    /// <summary>
    /// A ban made on another server: it holds here too, and this server's sessions that it matches leave now, as on the
    /// operator's server (their rooms see the ban). The operator's own server hears its ban back; it has the same ban
    /// already, and removed those sessions when it was made.
    /// </summary>
    private void OnBanSet(Ban ban)
    {
        lock (_gate)
        {
            if (_bans.Find(ban.Target) == ban) return;
            _bans.Apply(ban);
            RemoveBanned(ban, op: null, WallMs());
        }
    }

    /// <summary>
    /// A room's modes and key set on some server hold here too, for the room as it is now and whenever it is created
    /// again; its members here get the new modes (the event saying who set them reaches them through the room's log).
    /// </summary>
    private void OnAccessSet(string name, RoomAccess access)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(name, out var room) || room.Modes == access.Modes && room.Key == access.Key) return;
            room.Modes = access.Modes;
            room.Key = access.Key;
            SendModes(room);
        }
    }

    /// <summary>
    /// A nick muted in a room on some server (this one's own mutes come back too, without effect): it is muted here too
    /// if the room exists here; a room created here later reads its mutes from the cluster (<see cref="NewRoom"/>).
    /// </summary>
    private void OnMuteSet(RoomMute mute)
    {
        lock (_gate)
        {
            if (_rooms.TryGetValue(mute.Room, out var room)) room.Muted[mute.Nick] = mute.UntilMs;
        }
    }

    /// <summary>A mute lifted (or found lapsed) on some server is lifted here too.</summary>
    private void OnMuteRemoved(string room, string nick)
    {
        lock (_gate)
        {
            if (_rooms.TryGetValue(room, out var found)) found.Muted.Remove(nick);
        }
    }

    /// <summary>
    /// A kick, voice or invitation an operator on another server gave, as the room's log brings its event here: it takes
    /// effect on this server's members too. Nicks are unique in a cluster, so an operator with a session here gave it
    /// here, where it took effect at once.
    /// </summary>
    private void ModeratedElsewhere(CoreRoom? room, RoomEntry entry)
    {
        if (entry.EventKind is not (RoomEventKind.Kick or RoomEventKind.Voice or RoomEventKind.Devoice or RoomEventKind.Invite)
            || _sessions.TryGetByNick(entry.Nick, out _))
        {
            return;
        }
        int space = entry.Text.IndexOf(' ');
        string target = space < 0 ? entry.Text : entry.Text[..space];
        switch (entry.EventKind)
        {
            case RoomEventKind.Kick:
                if (room?.Members.FirstOrDefault(m => NameRules.NickComparer.Equals(m.Nick, target)) is { } kicked)
                {
                    RemoveKicked(room, kicked, entry.Nick, space < 0 ? "" : entry.Text[(space + 1)..]);
                }
                return;
            case RoomEventKind.Voice or RoomEventKind.Devoice:
                if (room is null) return;
                bool changed = entry.EventKind == RoomEventKind.Voice ? room.Voiced.Add(target) : room.Voiced.Remove(target);
                if (changed) SendModes(room);
                return;
            default:
                // The invited may join through this server although nobody is in the room here yet: the room is kept
                // here for the invitation.
                if (room is null)
                {
                    room = NewRoom(entry.Room);
                    _rooms[room.Name] = room;
                }
                room.Invited.Add(target);
                if (_sessions.TryGetByNick(target, out var invited))
                {
                    invited.Sink?.Notice($"{entry.Nick} invites you to {room.Name}: /join {room.Name}");
                }
                return;
        }
    }

    /// <summary>A ban lifted (or lapsed) on some server is lifted here too.</summary>
    private void OnBanRemoved(string target)
    {
        lock (_gate) _bans.Forget(target);
    }
}
