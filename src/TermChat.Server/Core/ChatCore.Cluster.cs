using Microsoft.Extensions.Logging;
using TermChat.Protocol;
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
}
