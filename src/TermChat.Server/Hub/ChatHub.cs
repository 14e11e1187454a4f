using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Server.Hub;

/// <summary>
/// The chat logic shared by every mode and transport: sessions, nicks, rooms, sequencing, history,
/// resume, keepalive, flood control and connection caps. Transports feed it decoded messages from any
/// thread; one lock guards all state, so a room's sequence numbers are assigned and queued to every
/// member in one order.
/// </summary>
/// <remarks>
/// A transport calls <see cref="TryConnect"/> once per new connection, <see cref="TryHandle"/> for each
/// decoded frame strictly in arrival order, and <see cref="Disconnected"/> exactly once when the
/// connection has ended. Something calls <see cref="Sweep"/> about once a second (the
/// <see cref="ChatServer"/> does) to run timeouts, keepalive pings and resume expiry.
/// </remarks>
public sealed class ChatHub
{
    private static readonly TimeSpan FloodNoticeInterval = TimeSpan.FromSeconds(5);
    private const int MaxListedRooms = 2000;
    private static long s_nextLinkId;

    private readonly object _gate = new();
    private readonly ServerOptions _options;
    private readonly ServerStats _stats;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<long, LinkState> _links = [];
    private readonly Dictionary<string, ChatSession> _nicks = new(NameRules.NickComparer);
    private readonly Dictionary<ResumeToken, ChatSession> _sessions = [];
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly RoomSeqHighWater _seqHighWater = new();
    private readonly Dictionary<IPAddress, int> _perIp = [];
    // Detached sessions in expiry order; entries go stale when a session is resumed (checked on use).
    private readonly Queue<(ChatSession Session, long ExpiresAt)> _detached = new();
    private bool _shuttingDown;
    private ulong _pingNonce;

    /// <summary>Creates the hub.</summary>
    /// <param name="options">Limits and settings.</param>
    /// <param name="stats">Shared counters.</param>
    /// <param name="logger">Where to log.</param>
    public ChatHub(ServerOptions options, ServerStats stats, ILogger logger)
    {
        _options = options;
        _stats = stats;
        _time = options.TimeProvider;
        _logger = logger;
        ModeName = options.Mode.ToString().ToLowerInvariant();
        _rooms[NameRules.Lobby] = new Room(NameRules.Lobby, options.HistorySize, options.HistoryBytes, lastSeq: 0);
    }

    /// <summary>The mode name reported in Welcome and Stats.</summary>
    public string ModeName { get; }

    /// <summary>The shared counters.</summary>
    public ServerStats Stats => _stats;

    /// <summary>The server's settings (limits, clock) for transports that live outside this assembly, such as UDP.</summary>
    public ServerOptions Options => _options;

    /// <summary>Returns a fresh process-wide connection id for an <see cref="IClientLink"/>.</summary>
    public static long NextLinkId() => Interlocked.Increment(ref s_nextLinkId);

    /// <summary>Open connections known to the hub.</summary>
    public int ConnectionCount
    {
        get { lock (_gate) return _links.Count; }
    }

    /// <summary>Rooms that exist (the lobby always does).</summary>
    public int RoomCount
    {
        get { lock (_gate) return _rooms.Count; }
    }

    /// <summary>Sessions, attached or waiting for resume.</summary>
    public int SessionCount
    {
        get { lock (_gate) return _sessions.Count; }
    }

    /// <summary>
    /// Admits a new connection, or refuses it (server full, too many from its address, shutting down) by
    /// calling <see cref="IClientLink.Close"/> with the reason and returning <see langword="false"/>.
    /// </summary>
    public bool TryConnect(IClientLink link)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                link.Close(ErrorCode.ServerShutdown, "server shutting down");
                return false;
            }
            if (_links.Count >= _options.MaxClients)
            {
                Log.Refused(_logger, link.Remote, "server full");
                link.Close(ErrorCode.ServerFull, $"The server is full ({_options.MaxClients} connections); try again later.");
                return false;
            }
            var address = AddressOf(link.Remote);
            if (address is not null)
            {
                _perIp.TryGetValue(address, out int count);
                if (count >= _options.MaxPerIp)
                {
                    Log.Refused(_logger, link.Remote, "too many connections from the address");
                    link.Close(ErrorCode.TooManyConnections, $"Too many connections from {address} (limit {_options.MaxPerIp}).");
                    return false;
                }
                _perIp[address] = count + 1;
            }
            long now = _time.GetTimestamp();
            _links[link.Id] = new LinkState(link, address, now, new TokenBucket(_options.FloodBurst, _options.FloodRate, now, _time.TimestampFrequency));
            return true;
        }
    }

    /// <summary>
    /// Handles one decoded frame from <paramref name="link"/>. Returns <see langword="false"/> when flood
    /// control holds the frame back: the caller must stop reading from this connection, wait
    /// <paramref name="retryAfter"/> and offer the same frame again (backpressure; nothing is dropped).
    /// </summary>
    public bool TryHandle(IClientLink link, Message message, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (_gate)
        {
            if (!_links.TryGetValue(link.Id, out var state) || state.Closing)
            {
                return true;
            }
            long now = _time.GetTimestamp();
            state.LastHeard = now;
            state.PingOutstanding = false;
            if (message is not Pong && !state.Bucket.TryTake(now, out retryAfter))
            {
                _stats.FloodDelayed();
                // One notice per flood episode: an episode ends after a quiet interval without delays.
                bool newEpisode = !state.FloodNoticeSent || _time.GetElapsedTime(state.LastFloodNotice, now) >= FloodNoticeInterval;
                state.FloodNoticeSent = true;
                state.LastFloodNotice = now;
                if (newEpisode)
                {
                    Log.FloodDelay(_logger, link.Id, state.Session?.Nick ?? "?", retryAfter.TotalMilliseconds);
                    Send(state.Link, new Error(ErrorCode.Flood,
                        $"Flood control: more than {_options.FloodBurst} messages at once or {_options.FloodRate:0.##}/s; your messages are delayed, not dropped."));
                }
                return false;
            }
            try
            {
                Dispatch(state, message);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.HandlerFailed(_logger, exception, message.Type, link.Id);
                SendError(state, ErrorCode.InternalError, $"The server failed handling your {message.Type}; it had no effect.");
            }
            return true;
        }
    }

    /// <summary>
    /// The connection has ended (call exactly once per admitted link, from the transport). Its session
    /// is detached: it keeps its nick and rooms, resumable with its token, for the resume window; the
    /// rooms see its Quit (with <paramref name="reason"/>) only if the window ends first.
    /// </summary>
    public void Disconnected(IClientLink link, string reason)
    {
        lock (_gate)
        {
            if (!_links.Remove(link.Id, out var state))
            {
                return;
            }
            if (state.Address is not null && _perIp.TryGetValue(state.Address, out int count))
            {
                if (count <= 1) _perIp.Remove(state.Address);
                else _perIp[state.Address] = count - 1;
            }
            var session = state.Session;
            if (session is not null && ReferenceEquals(session.Link, link))
            {
                Detach(session, reason);
            }
        }
    }

    /// <summary>
    /// Runs timers: handshake timeout, keepalive pings, idle timeout and expiry of sessions waiting for
    /// resume. Call about once a second.
    /// </summary>
    public void Sweep()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            foreach (var state in _links.Values)
            {
                if (state.Closing) continue;
                if (state.Session is null)
                {
                    if (_time.GetElapsedTime(state.ConnectedAt, now) >= _options.HandshakeTimeout)
                    {
                        CloseLink(state, ErrorCode.HandshakeTimeout, $"No Hello within {_options.HandshakeTimeout.TotalSeconds:0.#} s.");
                    }
                    continue;
                }
                var idle = _time.GetElapsedTime(state.LastHeard, now);
                if (idle >= _options.IdleTimeout)
                {
                    CloseLink(state, ErrorCode.IdleTimeout, $"Nothing heard for {_options.IdleTimeout.TotalSeconds:0.#} s.");
                }
                else if (idle >= _options.KeepaliveInterval && !state.PingOutstanding)
                {
                    state.PingOutstanding = true;
                    Send(state.Link, new Ping(++_pingNonce));
                }
            }
            while (_detached.TryPeek(out var entry) && (!IsWaiting(entry) || now >= entry.ExpiresAt))
            {
                _detached.Dequeue();
                if (IsWaiting(entry)) Quit(entry.Session, entry.Session.DetachReason);
            }
        }
    }

    /// <summary>Refuses new connections and tells every client "server shutting down" before closing it.</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            Log.ShuttingDown(_logger, _links.Count);
            foreach (var state in _links.Values)
            {
                CloseLink(state, ErrorCode.ServerShutdown, "server shutting down");
            }
        }
    }

    /// <summary>The Stats message: mode plus every figure.</summary>
    public Stats GetStats()
    {
        lock (_gate)
        {
            return BuildStats();
        }
    }

    private Stats BuildStats()
    {
        var entries = _stats.ToEntries();
        entries.Insert(1, new StatEntry("rooms", _rooms.Count));
        entries.Insert(2, new StatEntry("sessions", _sessions.Count));
        entries.Insert(3, new StatEntry("users_online", _nicks.Count));
        return new Stats(ModeName, entries.ToArray());
    }

    private void Dispatch(LinkState state, Message message)
    {
        var session = state.Session;
        if (session is null)
        {
            switch (message)
            {
                case Hello hello:
                    HandleHello(state, hello);
                    return;
                case Bye:
                    CloseLink(state, null, "goodbye");
                    return;
                case Ping ping:
                    // Section 4: answered before Hello, so netcheck can time round trips without a session;
                    // the handshake timeout keeps running.
                    Send(state.Link, new Pong(ping.Nonce));
                    return;
                default:
                    CloseLink(state, ErrorCode.HandshakeRequired, $"The first frame must be Hello, not {message.Type}.");
                    return;
            }
        }

        switch (message)
        {
            case Hello:
                SendError(state, ErrorCode.NotAllowed, $"You are already registered as {session.Nick}.");
                break;
            case JoinRoom join:
                if (TryRoomName(state, join.Room, out string joinName)) JoinRoomCore(state, session, joinName, cursor: null);
                break;
            case PartRoom part:
                HandlePart(state, session, part);
                break;
            case SendMessage say:
                HandleSay(state, session, say);
                break;
            case SendPrivate pm:
                HandlePrivate(state, session, pm);
                break;
            case ChangeNick change:
                HandleNick(state, session, change.Nick);
                break;
            case SetTopic topic:
                HandleTopic(state, session, topic);
                break;
            case SetAway away:
                HandleAway(state, session, away.Reason);
                break;
            case ListMembers list:
                HandleListMembers(state, list.Room);
                break;
            case ListRooms:
                HandleListRooms(state);
                break;
            case Protocol.Messages.GetStats:
                Send(state.Link, BuildStats());
                break;
            case Ping ping:
                Send(state.Link, new Pong(ping.Nonce));
                break;
            case Pong:
                break;
            case Bye bye:
                Quit(session, bye.Reason.Length == 0 ? "quit" : bye.Reason);
                state.Session = null;
                CloseLink(state, null, "goodbye");
                break;
            default:
                SendError(state, ErrorCode.NotAllowed, $"{message.Type} is sent by servers, not clients.");
                break;
        }
    }

    private void HandleHello(LinkState state, Hello hello)
    {
        // An Error instead of Welcome is fatal (PROTOCOL.md section 4): the client reconnects to retry.
        if (!NameRules.IsValidNick(hello.Nick, out string problem))
        {
            CloseLink(state, ErrorCode.InvalidNick, problem);
            return;
        }
        long now = _time.GetTimestamp();
        bool rejected = false;
        if (!hello.Token.IsNone)
        {
            if (_sessions.TryGetValue(hello.Token, out var old) && (old.Link is not null || now < old.ExpiresAt))
            {
                Resume(state, old, hello);
                return;
            }
            rejected = true;
        }
        if (_nicks.TryGetValue(hello.Nick, out var holder))
        {
            CloseLink(state, ErrorCode.NickInUse, holder.Link is null
                ? $"The nick {holder.Nick} is held for its owner to resume for another {RemainingSeconds(holder, now)} s; choose another."
                : $"The nick {holder.Nick} is in use; choose another.");
            return;
        }
        var session = new ChatSession(hello.Nick, NewToken()) { Link = state.Link };
        _sessions[session.Token] = session;
        _nicks[session.Nick] = session;
        state.Session = session;
        Log.Registered(_logger, session.Nick, state.Link.Remote, state.Link.Id, false);
        SendWelcome(state, session, resumed: false);
        if (rejected)
        {
            SendError(state, ErrorCode.ResumeRejected,
                $"Your resume token is unknown or expired (sessions are kept {_options.ResumeWindow.TotalSeconds:0} s); this is a new session.");
        }
        JoinRoomCore(state, session, NameRules.Lobby, cursor: null);
    }

    /// <summary>
    /// Hands the session to the new connection. The rooms never saw it leave (a dropped session stays a
    /// member during the resume window), so they are told nothing; the client gets, per room, exactly
    /// the entries after its cursor.
    /// </summary>
    private void Resume(LinkState state, ChatSession session, Hello hello)
    {
        var cursors = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var cursor in hello.Cursors)
        {
            if (NameRules.TryNormalizeRoom(cursor.Room, out string name, out _)) cursors.TryAdd(name, cursor.LastSeq);
        }
        if (session.Link is { } ghost && _links.TryGetValue(ghost.Id, out var ghostState))
        {
            // The old connection has not been seen to die yet (a half-open link): drop it at once.
            ghostState.Session = null;
            CloseLink(ghostState, null, "Your session was resumed from another connection.");
        }
        session.Link = state.Link;
        state.Session = session;
        Log.Registered(_logger, session.Nick, state.Link.Remote, state.Link.Id, true);
        SendWelcome(state, session, resumed: true);
        foreach (var room in session.Rooms)
        {
            SendJoinState(state, room, cursors.TryGetValue(room.Name, out ulong seq) ? seq : null);
        }
    }

    private void SendWelcome(LinkState state, ChatSession session, bool resumed)
    {
        Send(state.Link, new Welcome(ProtocolLimits.Version, session.Nick, session.Token, resumed, _options.ServerName, ModeName,
            (ushort)Math.Clamp(_options.KeepaliveInterval.TotalSeconds, 1, ushort.MaxValue), _options.Motd));
    }

    private void JoinRoomCore(LinkState state, ChatSession session, string name, ulong? cursor)
    {
        if (!_rooms.TryGetValue(name, out var room))
        {
            if (_rooms.Count >= _options.MaxRooms)
            {
                SendError(state, ErrorCode.NotAllowed, $"The server has {_rooms.Count} rooms, the most it allows; join an existing room.");
                return;
            }
            room = new Room(name, _options.HistorySize, _options.HistoryBytes, _seqHighWater.Take(name));
            _rooms[name] = room;
        }
        if (session.Rooms.Contains(room))
        {
            SendJoinState(state, room, cursor);
            return;
        }
        if (session.Rooms.Count >= _options.MaxRoomsPerUser)
        {
            SendError(state, ErrorCode.NotAllowed, $"You are in {session.Rooms.Count} rooms, the most allowed; part one first.");
            DeleteIfUnused(room);
            return;
        }
        // The join is sequenced before the joiner becomes a member: it sees its own join in the
        // replay that follows, everyone else sees it live, and nobody sees it twice.
        Emit(room, RoomEventKind.Join, session.Nick, "");
        room.Members.Add(session);
        session.Rooms.Add(room);
        SendJoinState(state, room, cursor);
    }

    /// <summary>
    /// RoomJoined, then HistoryBegin, the replayed entries after the cursor, HistoryEnd. The replay is
    /// capped at half the send queue so that joining a room full of long messages can never make the
    /// joiner a "slow consumer"; entries left out count as missed for a resume.
    /// </summary>
    private void SendJoinState(LinkState state, Room room, ulong? cursor)
    {
        Send(state.Link, new RoomJoined(room.Name, room.Topic, room.LastSeq, MemberLists.Of(room)));
        // Exactly the entries after the cursor (section 10): a cursor above last_seq replays nothing, and the
        // client, finding itself ahead of the server, takes last_seq as its highest seq.
        ulong after = cursor is { } c ? Math.Min(c, room.LastSeq) : 0;
        var entries = room.History.After(after).ToList();
        long budget = _options.MaxSendQueueBytes / 2;
        int first = entries.Count;
        while (first > 0)
        {
            budget -= entries[first - 1].Frame.Length;
            if (budget < 0) break;
            first--;
        }
        ulong from = first < entries.Count ? entries[first].Seq : room.LastSeq + 1;
        ulong missed = cursor is null ? 0 : from - (after + 1);
        Send(state.Link, new HistoryBegin(room.Name, from, room.LastSeq, missed));
        for (int i = first; i < entries.Count; i++)
        {
            Enqueue(state.Link, entries[i].Frame);
        }
        Send(state.Link, new HistoryEnd(room.Name));
    }

    private void HandlePart(LinkState state, ChatSession session, PartRoom part)
    {
        if (!TryRoomName(state, part.Room, out string name)) return;
        if (!_rooms.TryGetValue(name, out var room) || !session.Rooms.Contains(room))
        {
            SendError(state, ErrorCode.NotInRoom, $"You are not in {name}.");
            return;
        }
        room.Members.Remove(session);
        session.Rooms.Remove(room);
        Emit(room, RoomEventKind.Part, session.Nick, part.Reason);
        Send(state.Link, new RoomParted(room.Name));
        DeleteIfUnused(room);
    }

    private void HandleSay(LinkState state, ChatSession session, SendMessage say)
    {
        if (!TryMemberRoom(state, session, say.Room, out var room)) return;
        if (say.Text.Length == 0)
        {
            SendError(state, ErrorCode.NotAllowed, "An empty message is not sent.");
            return;
        }
        ulong seq = room.NextSeq();
        Publish(room, seq, new RoomMessage(room.Name, seq, NowMs(), session.Nick, say.Kind, say.Text, false));
    }

    private void HandlePrivate(LinkState state, ChatSession session, SendPrivate pm)
    {
        if (!_nicks.TryGetValue(pm.To, out var target))
        {
            SendError(state, ErrorCode.NoSuchNick, $"Nobody is using the nick {pm.To}.");
            return;
        }
        if (pm.Text.Length == 0)
        {
            SendError(state, ErrorCode.NotAllowed, "An empty message is not sent.");
            return;
        }
        byte[] frame = Encode(new PrivateMessage(session.Nick, target.Nick, NowMs(), pm.Text));
        Enqueue(target.Link, frame);
        if (!ReferenceEquals(target, session))
        {
            Enqueue(state.Link, frame);
        }
    }

    private void HandleNick(LinkState state, ChatSession session, string nick)
    {
        if (!NameRules.IsValidNick(nick, out string problem))
        {
            SendError(state, ErrorCode.InvalidNick, problem);
            return;
        }
        if (_nicks.TryGetValue(nick, out var holder) && !ReferenceEquals(holder, session))
        {
            SendError(state, ErrorCode.NickInUse, $"The nick {nick} is in use; choose another.");
            return;
        }
        string old = session.Nick;
        if (old == nick)
        {
            Send(state.Link, new NickChanged(old, nick));
            return;
        }
        _nicks.Remove(old);
        session.Nick = nick;
        _nicks[nick] = session;
        Send(state.Link, new NickChanged(old, nick));
        foreach (var room in session.Rooms)
        {
            Emit(room, RoomEventKind.NickChange, old, nick);
        }
    }

    private void HandleTopic(LinkState state, ChatSession session, SetTopic topic)
    {
        if (!TryMemberRoom(state, session, topic.Room, out var room)) return;
        room.Topic = topic.Topic;
        Emit(room, RoomEventKind.Topic, session.Nick, topic.Topic);
    }

    private void HandleAway(LinkState state, ChatSession session, string reason)
    {
        reason = reason.Trim();
        if (reason == session.Away)
        {
            Send(state.Link, new Notice("", reason.Length == 0 ? "You are not marked away." : $"You are already away: {reason}"));
            return;
        }
        session.Away = reason;
        Send(state.Link, new Notice("", reason.Length == 0 ? "You are back." : $"You are marked away: {reason}"));
        foreach (var room in session.Rooms)
        {
            Emit(room, reason.Length == 0 ? RoomEventKind.Back : RoomEventKind.Away, session.Nick, reason);
        }
    }

    private void HandleListMembers(LinkState state, string roomName)
    {
        if (!TryRoomName(state, roomName, out string name)) return;
        if (!_rooms.TryGetValue(name, out var room))
        {
            SendError(state, ErrorCode.InvalidRoom, $"There is no room {name}.");
            return;
        }
        Send(state.Link, new MemberList(room.Name, MemberLists.Of(room)));
    }

    private void HandleListRooms(LinkState state)
    {
        // The busiest rooms first if there are more than one frame can carry; then by name.
        var rooms = _rooms.Values
            .Where(room => room.Members.Count > 0 || room.Name == NameRules.Lobby)
            .OrderByDescending(room => room.Members.Count)
            .Take(MaxListedRooms)
            .OrderBy(room => room.Name, StringComparer.Ordinal)
            .Select(room => new RoomInfo(room.Name, (uint)room.Members.Count, room.Topic))
            .ToArray();
        Send(state.Link, new RoomList(rooms));
    }

    /// <summary>
    /// The link died without a Bye: the session keeps its nick and rooms for the resume window and
    /// the rooms are told nothing yet; <see cref="Sweep"/> ends it with a Quit if nobody resumes it.
    /// </summary>
    private void Detach(ChatSession session, string reason)
    {
        session.Link = null;
        session.DetachReason = reason;
        session.ExpiresAt = _time.GetTimestamp() + (long)(_options.ResumeWindow.TotalSeconds * _time.TimestampFrequency);
        if (_options.ResumeWindow <= TimeSpan.Zero)
        {
            Quit(session, reason);
            return;
        }
        _detached.Enqueue((session, session.ExpiresAt));
        // Connection churn must not pile up sessions waiting for resume: past --max-clients of them,
        // the oldest ends early.
        while (_detached.Count > _options.MaxClients && _detached.TryDequeue(out var oldest))
        {
            if (IsWaiting(oldest)) Quit(oldest.Session, oldest.Session.DetachReason);
        }
    }

    /// <summary>Whether a queued detached entry still describes a session waiting for resume.</summary>
    private static bool IsWaiting((ChatSession Session, long ExpiresAt) entry) =>
        entry.Session.Link is null && entry.Session.ExpiresAt == entry.ExpiresAt && !entry.Session.Ended;

    /// <summary>Ends a session: it leaves every room with a Quit, and its nick and token are released.</summary>
    private void Quit(ChatSession session, string reason)
    {
        if (_nicks.TryGetValue(session.Nick, out var holder) && ReferenceEquals(holder, session))
        {
            _nicks.Remove(session.Nick);
        }
        _sessions.Remove(session.Token);
        session.Link = null;
        session.Ended = true;
        Log.Quit(_logger, session.Nick, reason);
        foreach (var room in session.Rooms)
        {
            room.Members.Remove(session);
            Emit(room, RoomEventKind.Quit, session.Nick, reason);
            DeleteIfUnused(room);
        }
        session.Rooms.Clear();
    }

    private long RemainingSeconds(ChatSession session, long now) =>
        Math.Max(1, (long)Math.Ceiling((session.ExpiresAt - now) / (double)_time.TimestampFrequency));

    private void DeleteIfUnused(Room room)
    {
        if (room.Members.Count == 0 && room.Name != NameRules.Lobby)
        {
            _rooms.Remove(room.Name);
            _seqHighWater.Retire(room.Name, room.LastSeq);
        }
    }

    /// <summary>Sequences an event in the room's log and sends it to every member.</summary>
    private void Emit(Room room, RoomEventKind kind, string nick, string detail)
    {
        ulong seq = room.NextSeq();
        Publish(room, seq, new RoomEvent(room.Name, seq, NowMs(), kind, nick, detail, false));
    }

    /// <summary>
    /// Encodes a sequenced entry once: the room's history keeps it (as its replay frame) and every member is queued
    /// the same live bytes.
    /// </summary>
    private void Publish(Room room, ulong seq, Message entry)
    {
        byte[] frame = Encode(entry);
        room.History.Add(seq, frame);
        if (room.Members.Count == 0) return;
        // Counted once per broadcast, not per member: two interlocked adds per delivery were a visible
        // share of a 100-member fan-out.
        int queued = 0;
        foreach (var member in room.Members)
        {
            if (member.Link is { } link && link.TryEnqueue(frame)) queued++;
        }
        if (queued > 0) _stats.FrameOut(queued, (long)queued * frame.Length);
    }

    private void Send(IClientLink link, Message message) => Enqueue(link, Encode(message));

    private void SendError(LinkState state, ErrorCode code, string text) => Send(state.Link, new Error(code, text));

    private void Enqueue(IClientLink? link, byte[] frame)
    {
        if (link is not null && link.TryEnqueue(frame))
        {
            _stats.FrameOut(frame.Length);
        }
    }

    private static byte[] Encode(Message message) => FrameEncoder.ToArray(message);

    private void CloseLink(LinkState state, ErrorCode? code, string reason)
    {
        state.Closing = true;
        state.Link.Close(code, reason);
    }

    private bool TryRoomName(LinkState state, string room, out string name)
    {
        if (NameRules.TryNormalizeRoom(room, out name, out string problem)) return true;
        SendError(state, ErrorCode.InvalidRoom, problem);
        return false;
    }

    private bool TryMemberRoom(LinkState state, ChatSession session, string roomName, out Room room)
    {
        room = null!;
        if (!TryRoomName(state, roomName, out string name)) return false;
        if (_rooms.TryGetValue(name, out var found) && session.Rooms.Contains(found))
        {
            room = found;
            return true;
        }
        SendError(state, ErrorCode.NotInRoom, $"You are not in {name}; join it first.");
        return false;
    }

    private ResumeToken NewToken()
    {
        ResumeToken token;
        do
        {
            token = ResumeToken.NewRandom();
        }
        while (_sessions.ContainsKey(token));
        return token;
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The IP a connection counts against, with IPv4-mapped IPv6 folded to IPv4.</summary>
    internal static IPAddress? AddressOf(EndPoint remote) => remote is IPEndPoint ip
        ? (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)
        : null;
}
