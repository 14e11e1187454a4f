using System.Globalization;
using TermChat.Client.Session;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.App;

// Applying what the session reports.
public sealed partial class ChatApp
{
    /// <summary>Applies one session event to the state.</summary>
    /// <returns>The lines it added, in order (plain mode prints exactly these).</returns>
    public IReadOnlyList<ChatEntry> Apply(SessionEvent sessionEvent)
    {
        ArgumentNullException.ThrowIfNull(sessionEvent);
        var output = new List<ChatEntry>();
        bool changed = true;
        lock (_gate)
        {
            switch (sessionEvent)
            {
                case ConnectionStateEvent { State: var state }:
                    _status = _status with
                    {
                        State = state,
                        Transport = state switch
                        {
                            Connected c => c.Transport,
                            Connecting c => c.Transport,
                            _ => _status.Transport,
                        },
                    };
                    // The first connect is announced by the welcome; later ones (reconnects, switches) here.
                    bool firstConnect = state is Connected && !_everConnected;
                    _everConnected |= state is Connected;
                    if (!firstConnect)
                    {
                        Post(NewEntry(EntryKind.Status, null, null, state.Describe()) with { Detail = state.GetType().Name.ToLowerInvariant() }, output);
                    }
                    else if (state is Connected { Security: { } security })
                    {
                        // The welcome does not say how the link is protected, nor which server key was pinned: this does.
                        Post(NewEntry(EntryKind.Status, null, null, $"encrypted: {security}") with { Detail = "security" }, output);
                    }
                    break;
                case NickFallbackEvent fallback:
                    Post(NewEntry(EntryKind.Notice, null, null,
                        $"the nick '{fallback.InUse}' is in use; trying '{fallback.Trying}' (/nick changes it later)"), output);
                    break;
                case LinkStatsEvent { Stats: var stats }:
                    _status = _status with { RttMs = stats.RttMs, LossPercent = stats.LossPercent };
                    break;
                case ServerMessageEvent { Message: var message }:
                    changed = ApplyMessage(message, output);
                    break;
                default:
                    changed = false;
                    break;
            }
        }
        if (changed)
        {
            Changed?.Invoke();
        }
        return output;
    }

    private bool ApplyMessage(Message message, List<ChatEntry> output)
    {
        switch (message)
        {
            case Welcome w:
                _status = _status with { Nick = w.Nick, ServerName = w.ServerName, ServerMode = w.Mode };
                _protocolVersion = w.Version;
                if (!w.Resumed)
                {
                    Post(NewEntry(EntryKind.Welcome, null, null, $"welcome to {w.ServerName} ({w.Mode} mode), you are {w.Nick}"), output);
                    foreach (string line in w.Motd.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        Post(NewEntry(EntryKind.Notice, null, null, line), output);
                    }
                }
                return true;
            case RoomMessage m:
                Post(NewEntry(m.Kind == MessageKind.Action ? EntryKind.Action : EntryKind.Message, m.Room, m.From, m.Text, FromServerTime(m.TimeMs)) with
                {
                    Seq = m.Seq,
                    IsOwn = IsMe(m.From),
                    IsMention = !IsMe(m.From) && Mentions.Contains(m.Text, MyNick),
                    IsReplay = m.Replay,
                }, output, countsAsUnread: true);
                return true;
            case RoomEvent e:
                ApplyRoomEvent(e, output);
                return true;
            case PrivateMessage p:
            {
                bool own = IsMe(p.From);
                string peer = own ? p.To : p.From;
                var conversation = Open(peer, isPrivate: true);
                Post(NewEntry(EntryKind.Private, conversation.Name, p.From, p.Text, FromServerTime(p.TimeMs)) with
                {
                    To = p.To,
                    IsOwn = own,
                    IsMention = !own,
                }, output, countsAsUnread: !own);
                return true;
            }
            case RoomJoined j:
            {
                bool known = Find(j.Room) is not null;
                var room = Open(j.Room, isPrivate: false);
                room.Topic = j.Topic;
                room.SetMembers(j.Members);
                if (!known)
                {
                    room.InInitialHistory = true;
                    room.JoinedAtSeq = j.LastSeq;
                    Post(NewEntry(EntryKind.Join, j.Room, MyNick, $"you joined {j.Room} ({j.Members.Count} {(j.Members.Count == 1 ? "member" : "members")})"), output);
                    if (j.Topic.Length > 0)
                    {
                        Post(NewEntry(EntryKind.Topic, j.Room, null, j.Topic), output);
                    }
                }
                if (_current is null || _switchOnJoin.Remove(j.Room))
                {
                    SelectLocked(room);
                }
                return true;
            }
            case RoomParted p:
            {
                var room = Find(p.Room);
                if (room is null)
                {
                    return false;
                }
                Post(NewEntry(EntryKind.Part, p.Room, MyNick, $"you left {p.Room}"), output);
                RemoveRoom(room);
                return true;
            }
            case MemberList list:
            {
                var room = Find(list.Room);
                room?.SetMembers(list.Members);
                if (_namesRequested.Remove(list.Room) || room is null)
                {
                    Post(NewEntry(EntryKind.Names, room is null ? null : list.Room, null,
                        $"{list.Room}{(room?.ModeMarks is { Length: > 0 } marks ? $" (+{marks})" : "")}: {list.Members.Count} {(list.Members.Count == 1 ? "member" : "members")}: {MemberSummary(list.Members, room)}"), output);
                }
                return true;
            }
            case RoomList list:
                Post(NewEntry(EntryKind.Rooms, null, null, $"{list.Rooms.Count} {(list.Rooms.Count == 1 ? "room" : "rooms")}"), output);
                foreach (var info in list.Rooms)
                {
                    Post(NewEntry(EntryKind.Rooms, null, null,
                        info.Topic.Length > 0 ? $"{info.Name} ({info.Members}): {info.Topic}" : $"{info.Name} ({info.Members})") with { Detail = info.Name }, output);
                }
                return true;
            case HistoryBegin h:
            {
                var room = Find(h.Room);
                if (h.Missed > 0)
                {
                    Post(NewEntry(EntryKind.History, room is null ? null : h.Room, null,
                        $"{h.Missed} older {(h.Missed == 1 ? "message is" : "messages are")} no longer available") with
                    {
                        Detail = h.Missed.ToString(CultureInfo.InvariantCulture),
                    }, output);
                }
                return h.Missed > 0;
            }
            case HistoryEnd h:
            {
                var room = Find(h.Room);
                if (room is not null)
                {
                    room.InInitialHistory = false;
                }
                return false;
            }
            case NickChanged n:
                _status = _status with { Nick = n.NewNick };
                Post(NewEntry(EntryKind.Nick, null, n.OldNick, $"you are now known as {n.NewNick}") with { Detail = n.NewNick, IsOwn = true }, output);
                return true;
            case Notice n:
                Post(NewEntry(EntryKind.Notice, n.Room.Length > 0 && Find(n.Room) is not null ? n.Room : null, null, n.Text), output);
                return true;
            case Stats s:
                LatestStats = StatsReport.From(s);
                Post(NewEntry(EntryKind.Stats, null, null,
                    $"server mode {s.Mode}: {string.Join(", ", s.Entries.Select(e => $"{e.Name}={e.Value.ToString(CultureInfo.InvariantCulture)}"))}"), output);
                return true;
            case Error e:
                // Flood control delays, it does not refuse: that is news, not an error.
                Post(NewEntry(e.Code == ErrorCode.Flood ? EntryKind.Notice : EntryKind.Error, null, null, DescribeError(e)) with { Detail = e.Code.ToString() }, output);
                return true;
            case SearchResults r:
                ApplySearchResults(r, output);
                return true;
            case RoomModes m:
                if (Find(m.Room) is { IsPrivate: false } moded)
                {
                    moded.Modes = m.Modes;
                    moded.Operators = new HashSet<string>(m.Operators, StringComparer.OrdinalIgnoreCase);
                    moded.Voiced = new HashSet<string>(m.Voiced, StringComparer.OrdinalIgnoreCase);
                }
                return true;
            case Bye b:
                Post(NewEntry(EntryKind.Status, null, null, b.Reason.Length > 0 ? $"the server said goodbye: {b.Reason}" : "the server said goodbye"), output);
                return true;
            default:
                return false;
        }
    }

    private void ApplyRoomEvent(RoomEvent e, List<ChatEntry> output)
    {
        var room = Find(e.Room);
        // Replayed events describe the past: they are shown, but the member list and topic from
        // RoomJoined are already current.
        bool live = !e.Replay && room is not null;
        if (e.Kind == RoomEventKind.Join && e.Replay && IsMe(e.Nick) && room is { InInitialHistory: true } && e.Seq == room.JoinedAtSeq)
        {
            // Our own join, replayed right after "you joined": saying it twice is noise.
            return;
        }
        string text;
        EntryKind kind;
        switch (e.Kind)
        {
            case RoomEventKind.Join:
                kind = EntryKind.Join;
                text = $"{e.Nick} joined {e.Room}";
                if (live)
                {
                    room!.UpsertMember(e.Nick);
                }
                break;
            case RoomEventKind.Part:
                kind = EntryKind.Part;
                text = e.Detail.Length > 0 ? $"{e.Nick} left {e.Room} ({e.Detail})" : $"{e.Nick} left {e.Room}";
                if (live)
                {
                    room!.RemoveMember(e.Nick);
                }
                break;
            case RoomEventKind.Quit:
                kind = EntryKind.Quit;
                text = e.Detail.Length > 0 ? $"{e.Nick} quit ({e.Detail})" : $"{e.Nick} quit";
                if (live)
                {
                    room!.RemoveMember(e.Nick);
                }
                break;
            case RoomEventKind.NickChange:
                kind = EntryKind.Nick;
                text = $"{e.Nick} is now known as {e.Detail}";
                if (live)
                {
                    room!.RenameMember(e.Nick, e.Detail);
                }
                RenameConversation(e.Nick, e.Detail);
                break;
            case RoomEventKind.Topic:
                kind = EntryKind.Topic;
                text = e.Detail.Length > 0 ? $"{e.Nick} set the topic: {e.Detail}" : $"{e.Nick} cleared the topic";
                if (live)
                {
                    room!.Topic = e.Detail;
                }
                break;
            case RoomEventKind.Away:
                kind = EntryKind.Away;
                text = e.Detail.Length > 0 ? $"{e.Nick} is away: {e.Detail}" : $"{e.Nick} is away";
                if (live)
                {
                    room!.UpsertMember(e.Nick, e.Detail.Length > 0 ? e.Detail : "away");
                }
                if (!e.Replay && IsMe(e.Nick))
                {
                    _status = _status with { Away = e.Detail.Length > 0 ? e.Detail : "away" };
                }
                break;
            case RoomEventKind.Back:
                kind = EntryKind.Back;
                text = $"{e.Nick} is back";
                if (live)
                {
                    room!.UpsertMember(e.Nick, "");
                }
                if (!e.Replay && IsMe(e.Nick))
                {
                    _status = _status with { Away = "" };
                }
                break;
            default:
                (kind, text) = ModerationEvent(e, live ? room : null);
                break;
        }
        Post(NewEntry(kind, room is null ? null : e.Room, e.Nick, text, FromServerTime(e.TimeMs)) with
        {
            Seq = e.Seq,
            Detail = e.Detail.Length > 0 ? e.Detail : null,
            IsOwn = IsMe(e.Nick),
            IsReplay = e.Replay,
        }, output);
    }

    private void RenameConversation(string oldNick, string newNick)
    {
        var conversation = _rooms.Find(r => r.IsPrivate && string.Equals(r.Name, oldNick, StringComparison.OrdinalIgnoreCase));
        if (conversation is not null && Find(newNick) is null)
        {
            conversation.Name = newNick;
            if (_current == conversation)
            {
                _status = _status with { Room = newNick };
            }
        }
    }

    private void RemoveRoom(RoomState room)
    {
        int index = _rooms.IndexOf(room);
        _rooms.Remove(room);
        if (_current == room)
        {
            _current = null;
            _status = _status with { Room = null };
            if (_rooms.Count > 0)
            {
                SelectLocked(_rooms[Math.Min(index, _rooms.Count - 1)]);
            }
        }
    }

    // A header, then one line per match with its time, nick and text; in the searched room's pane when it is open.
    // The text stays as the server sent it: the views and plain mode sanitize every line where it is drawn.
    private void ApplySearchResults(SearchResults r, List<ChatEntry> output)
    {
        string? room = Find(r.Room) is not null ? r.Room : null;
        int count = r.Results.Count;
        string newest = count == ProtocolLimits.MaxSearchResults ? $" (the newest {count})" : "";
        Post(NewEntry(EntryKind.Notice, room, null, count == 0
            ? $"no matches for \"{r.Words}\" in {r.Room}"
            : $"{count} {(count == 1 ? "match" : "matches")} for \"{r.Words}\" in {r.Room}{newest}, newest first:"), output);
        foreach (var hit in r.Results)
        {
            string when = FromServerTime(hit.TimeMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            string said = hit.Kind == MessageKind.Action ? $"* {hit.From} {hit.Text}" : $"<{hit.From}> {hit.Text}";
            Post(NewEntry(EntryKind.Notice, room, null, $"  {when} {said}") with { Seq = hit.Seq }, output);
        }
    }

    private string DescribeError(Error e) => e.Code switch
    {
        ErrorCode.NickInUse => $"that nick is already in use ({e.Text})",
        ErrorCode.InvalidNick => $"invalid nick: {e.Text}",
        ErrorCode.NotOperator => $"not allowed: {e.Text}",
        ErrorCode.Muted => $"not sent: {e.Text}",
        ErrorCode.InviteOnly or ErrorCode.BadPassword => $"cannot join: {e.Text}",
        ErrorCode.NickOwned => $"that nick belongs to someone else ({e.Text})",
        ErrorCode.InvalidRoom => $"invalid room name: {e.Text}",
        ErrorCode.NotInRoom => $"you are not in that room: {e.Text}",
        ErrorCode.NoSuchNick => $"no such nick: {e.Text}",
        ErrorCode.TextTooLong => $"message too long: {e.Text}",
        ErrorCode.Flood => $"slow down: {e.Text}",
        ErrorCode.ResumeRejected => $"the previous session had expired, so a new one was started and your rooms are being rejoined ({e.Text})",
        _ => e.Text.Length > 0 ? e.Text : e.Code.ToString(),
    };
}
