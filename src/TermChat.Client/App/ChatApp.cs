using TermChat.Client.Session;
using TermChat.Protocol;

namespace TermChat.Client.App;

/// <summary>
/// The client's state and update logic, shared by the full-screen view and plain mode: rooms and
/// private conversations with scrollback, members, topic, unread and mention counts and the unread
/// marker, the status bar, the slash commands and tab completion. It knows nothing of terminals.
/// </summary>
/// <remarks>
/// Feed it the session's events with <see cref="Apply"/> and the user's lines with <see cref="SubmitAsync"/>;
/// both return the new lines they produced and raise <see cref="Changed"/>. Calls are serialized by an
/// internal lock, so any thread may call. <see cref="RoomState.Entries"/> and <see cref="RoomState.Members"/>
/// are immutable snapshots, safe to render while another thread submits a command.
/// </remarks>
public sealed partial class ChatApp
{
    private readonly IChatSession _session;
    private readonly ChatAppOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<RoomState> _rooms = [];
    private readonly List<ChatEntry> _serverLog = [];
    private readonly HashSet<string> _switchOnJoin = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _namesRequested = new(StringComparer.OrdinalIgnoreCase);
    private RoomState? _current;
    private StatusInfo _status;
    private long _nextId;
    private bool _everConnected;
    // The session's protocol version, from the welcome: version 1 (an older server) has no history search.
    private ushort _protocolVersion = ProtocolLimits.Version;

    /// <summary>Creates the app state for <paramref name="session"/>.</summary>
    public ChatApp(IChatSession session, ChatAppOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _options = options ?? new ChatAppOptions();
        _time = _options.TimeProvider;
        _status = new StatusInfo(session.Server, "", "", session.TransportName, session.Nick, null,
            new Connecting(session.TransportName, session.Server), null, null, "");
    }

    /// <summary>Raised after any change of state, once per <see cref="Apply"/> or <see cref="SubmitAsync"/> that changed something.</summary>
    public event Action? Changed;

    /// <summary>The server's last /stats answer, grouped for a table; null before one.</summary>
    public StatsReport? LatestStats { get; private set; }

    /// <summary>Joined rooms and private conversations, in the order they were opened.</summary>
    public IReadOnlyList<RoomState> Rooms
    {
        get
        {
            lock (_gate)
            {
                return [.. _rooms];
            }
        }
    }

    /// <summary>The room or conversation the input line talks to; null before the first join.</summary>
    public RoomState? CurrentRoom
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Lines not tied to a room that arrived while no room was open (welcome, errors before the first join).</summary>
    public IReadOnlyList<ChatEntry> ServerLog
    {
        get
        {
            lock (_gate)
            {
                return [.. _serverLog];
            }
        }
    }

    /// <summary>What the status bar shows.</summary>
    public StatusInfo Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>Makes <paramref name="name"/> (a room or a nick) the current room, moving the unread marker.</summary>
    /// <returns>False if no such room or conversation is open.</returns>
    public bool SelectRoom(string name)
    {
        lock (_gate)
        {
            var room = Find(name);
            if (room is null)
            {
                return false;
            }
            SelectLocked(room);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Moves to the next (<paramref name="delta"/> = 1) or previous (-1) room, wrapping around.</summary>
    public void SelectRelative(int delta)
    {
        lock (_gate)
        {
            if (_rooms.Count == 0)
            {
                return;
            }
            int index = _current is null ? 0 : _rooms.IndexOf(_current);
            int next = ((index + delta) % _rooms.Count + _rooms.Count) % _rooms.Count;
            SelectLocked(_rooms[next]);
        }
        Changed?.Invoke();
    }

    /// <summary>Moves to the room with the most pressing unread lines (mentions first); false if none has any.</summary>
    public bool SelectNextUnread()
    {
        lock (_gate)
        {
            var room = _rooms.Where(r => r != _current && r.UnreadCount > 0)
                .OrderByDescending(r => r.MentionCount).FirstOrDefault();
            if (room is null)
            {
                return false;
            }
            SelectLocked(room);
        }
        Changed?.Invoke();
        return true;
    }

    private void SelectLocked(RoomState room)
    {
        if (_current == room)
        {
            return;
        }
        if (_current is not null)
        {
            _current.LastReadId = _current.Entries.Count > 0 ? _current.Entries[^1].Id : _current.LastReadId;
            _current.UnreadMarkerAfterId = null;
        }
        _current = room;
        bool hasNew = room.Entries.Count > 0 && room.Entries[^1].Id > room.LastReadId && room.UnreadCount > 0;
        room.UnreadMarkerAfterId = !hasNew ? null
            : room.LastReadId > 0 ? room.LastReadId
            // Never opened, so nothing was read: mark just before the first unread line (after the join line and history).
            : room.Entries.LastOrDefault(e => e.Id < room.FirstUnreadId)?.Id;
        room.UnreadCount = 0;
        room.FirstUnreadId = null;
        room.MentionCount = 0;
        _status = _status with { Room = room.Name };
    }

    private RoomState? Find(string name) =>
        _rooms.Find(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    private RoomState Open(string name, bool isPrivate)
    {
        var room = Find(name);
        if (room is null)
        {
            room = new RoomState(name, isPrivate, _options.ScrollbackLines);
            _rooms.Add(room);
        }
        return room;
    }

    private ChatEntry NewEntry(EntryKind kind, string? room, string? from, string text, DateTimeOffset? time = null) =>
        new(++_nextId, kind, time ?? _time.GetUtcNow(), room, from, text);

    private static DateTimeOffset FromServerTime(long timeMs) =>
        timeMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(timeMs) : DateTimeOffset.UnixEpoch;

    // Adds an entry to its room (or the current room for server-wide lines) and counts it as unread there.
    private void Post(ChatEntry entry, List<ChatEntry> output, bool countsAsUnread = false)
    {
        var room = entry.Room is null ? _current : Find(entry.Room);
        if (room is null)
        {
            _serverLog.Add(entry);
            if (_serverLog.Count > _options.ScrollbackLines)
            {
                _serverLog.RemoveAt(0);
            }
        }
        else
        {
            room.Add(entry);
            if (countsAsUnread && room != _current && !room.InInitialHistory)
            {
                room.FirstUnreadId ??= entry.Id;
                room.UnreadCount++;
                if (entry.IsMention)
                {
                    room.MentionCount++;
                }
            }
        }
        output.Add(entry);
    }

    private string MyNick => _status.Nick;

    private bool IsMe(string nick) => string.Equals(nick, MyNick, StringComparison.OrdinalIgnoreCase);

    // The same marks as the member list draws: @ operator, + voiced.
    private static string MemberSummary(IReadOnlyList<Member> members, RoomState? room) =>
        string.Join(", ", members.Select(m => (room?.MarkOf(m.Nick) ?? "") + (m.IsAway ? $"{m.Nick} (away: {m.Away})" : m.Nick)));
}
