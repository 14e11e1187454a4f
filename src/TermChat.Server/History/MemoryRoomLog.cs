namespace TermChat.Server.History;

/// <summary>
/// The room log kept in memory: each live room's history in a ring buffer, and the high-water seq of deleted
/// rooms in a <see cref="RoomSeqHighWater"/>. Everything is committed as it is appended. Not thread-safe: the
/// chat core's lock guards it (as <see cref="IRoomLog"/> says).
/// </summary>
internal sealed class MemoryRoomLog : IRoomLog
{
    private readonly Dictionary<string, RoomState> _rooms = new(StringComparer.Ordinal);
    private readonly RoomSeqHighWater _retired;
    private readonly ServerOptions _options;

    /// <param name="options">Where the history bounds (<see cref="ServerOptions.HistorySize"/>, <see cref="ServerOptions.HistoryBytes"/>)
    /// are read, when a room is created: a reload changes them for rooms created after it.</param>
    /// <param name="retiredNames">Deleted room names whose seq is remembered exactly (see <see cref="RoomSeqHighWater"/>).</param>
    public MemoryRoomLog(ServerOptions options, int retiredNames = RoomSeqHighWater.DefaultCapacity)
    {
        _options = options;
        _retired = new RoomSeqHighWater(retiredNames);
    }

    /// <inheritdoc/>
    public Action<IReadOnlyList<RoomEntry>>? Committed { get; set; }

    /// <summary>Deleted room names remembered now, for tests of the memory bound.</summary>
    internal RoomSeqHighWater Retired => _retired;

    public RoomEntry Append(RoomEntryDraft draft, out bool committed)
    {
        var room = StateOf(draft.Room);
        var entry = new RoomEntry(draft, ++room.LastSeq);
        room.History.Add(entry);
        committed = true;
        return entry;
    }

    /// <summary>Memory never refuses.</summary>
    public string? Refusal => null;

    public string Topic(string room) => _rooms.TryGetValue(room, out var state) ? state.Topic : "";

    public void SetTopic(string room, string topic) => StateOf(room).Topic = topic;

    /// <summary>Like the topic, the access goes with the history when the room empties: the room starts afresh.</summary>
    public RoomAccess Access(string room) => _rooms.TryGetValue(room, out var state) ? state.Access : RoomAccess.Open;

    public void SetAccess(string room, RoomAccess access) => StateOf(room).Access = access;

    public ulong LastSeq(string room) =>
        _rooms.TryGetValue(room, out var state) ? state.LastSeq : _retired.Peek(room);

    public RoomSlice Read(string room, ulong afterSeq, int maxEntries, long maxBytes)
    {
        if (!_rooms.TryGetValue(room, out var state))
        {
            ulong last = _retired.Peek(room);
            return new RoomSlice([], last);
        }
        var entries = state.History.Newest(afterSeq, maxEntries, maxBytes);
        return new RoomSlice(entries, state.LastSeq);
    }

    /// <summary>Matches under the caller's lock (the window is in memory and bounded), answers from the thread pool.</summary>
    public void Search(string room, string words, int limit, Action<IReadOnlyList<RoomEntry>> found, Action<string> failed)
    {
        var matches = _rooms.TryGetValue(room, out var state) ? state.History.NewestMessagesMatching(words, limit) : [];
        ThreadPool.QueueUserWorkItem(static state => state.found(state.matches), (found, matches), preferLocal: false);
    }

    public void Release(string room)
    {
        if (_rooms.Remove(room, out var state)) _retired.Retire(room, state.LastSeq);
    }

    public void Dispose()
    {
    }

    private RoomState StateOf(string room)
    {
        if (!_rooms.TryGetValue(room, out var state))
        {
            state = new RoomState(new RoomHistory(_options.HistorySize, _options.HistoryBytes)) { LastSeq = _retired.Take(room) };
            _rooms[room] = state;
        }
        return state;
    }

    private sealed class RoomState(RoomHistory history)
    {
        public RoomHistory History { get; } = history;

        public ulong LastSeq { get; set; }

        public string Topic { get; set; } = "";

        public RoomAccess Access { get; set; } = RoomAccess.Open;
    }
}
