using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.History;

namespace TermChat.Server.Storage;

/// <summary>
/// The room log kept in a SQLite file, so that history, seqs and topics survive a restart, even kill -9. Appends get
/// their seq in memory at once and are committed by the <see cref="StoreWriter"/> in batches; reads are served from
/// each room's retained window, which is kept in memory (loaded when the file opens), so no caller waits on disk.
/// </summary>
/// <remarks>
/// The file holds what memory holds: a room's entries beyond its window (<c>--history</c>, <c>--history-bytes</c>)
/// are deleted from the file in the batch after they leave it, and entries older than <c>--retain-days</c> when the
/// file opens. Windows of deleted rooms stay (their history is what a returning user expects to see).
/// </remarks>
internal sealed class SqliteRoomLog : IRoomLog
{
    // Searches read the disk on pool threads: a cap keeps many users searching at once from tying up the pool that
    // the async mode's sockets also run on.
    private const int MaxConcurrentSearches = 4;

    private readonly object _gate = new();
    private readonly Dictionary<string, RoomWindow> _rooms = new(StringComparer.Ordinal);
    private readonly ServerOptions _options;
    private readonly StoreWriter _writer;
    private readonly string _path;
    private int _searches;

    private SqliteRoomLog(SqliteConnection connection, string path, ServerOptions options, ILogger logger)
    {
        _options = options;
        _path = path;
        Load(connection);
        _writer = new StoreWriter(connection, options.TimeProvider, logger, OnWritten);
    }

    /// <inheritdoc/>
    public Action<IReadOnlyList<RoomEntry>>? Committed { get; set; }

    /// <summary>Why new room messages are refused now (the disk is full), or null.</summary>
    public string? Refusal => _writer.Refusal;

    internal StoreWriter Writer => _writer;

    /// <summary>Opens the log on an open, migrated data file (see <see cref="DataFile"/>) and starts its writer.</summary>
    /// <param name="connection">The writer's connection to the file.</param>
    /// <param name="path">The file's path, for the read-only connections of searches.</param>
    /// <param name="options">History bounds and the clock.</param>
    /// <param name="logger">Where the writer logs.</param>
    public static SqliteRoomLog Open(SqliteConnection connection, string path, ServerOptions options, ILogger logger) => new(connection, path, options, logger);

    public RoomEntry Append(RoomEntryDraft draft, out bool committed)
    {
        RoomEntry entry;
        lock (_gate)
        {
            entry = new RoomEntry(draft, ++WindowOf(draft.Room).Assigned);
        }
        _writer.Enqueue(StoreOp.Append(entry));
        committed = false;
        return entry;
    }

    public ulong LastSeq(string room)
    {
        lock (_gate) return _rooms.TryGetValue(room, out var window) ? window.Committed : 0;
    }

    public RoomSlice Read(string room, ulong afterSeq, int maxEntries, long maxBytes)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var window)) return new RoomSlice([], 0);
            var entries = window.History.Newest(afterSeq, maxEntries, maxBytes);
            if (RetainedSinceMs() is { } since && entries.Count > 0 && entries[0].TimeMs < since)
            {
                entries.RemoveAll(entry => entry.TimeMs < since);
            }
            return new RoomSlice(entries, window.Committed);
        }
    }

    /// <summary>
    /// Runs <see cref="HistorySearch"/> on the thread pool with its own read-only connection once the writer has indexed
    /// every committed message: WAL lets it read beside the writer, and it sees committed messages only, as members do.
    /// </summary>
    public void Search(string room, string words, int limit, Action<IReadOnlyList<RoomEntry>> found, Action<string> failed)
    {
        if (Interlocked.Increment(ref _searches) > MaxConcurrentSearches)
        {
            Interlocked.Decrement(ref _searches);
            ThreadPool.QueueUserWorkItem(_ => failed($"The server is running {MaxConcurrentSearches} searches already; try again in a moment."));
            return;
        }
        _writer.Enqueue(StoreOp.IndexForSearch(() => ThreadPool.QueueUserWorkItem(_ =>
        {
            List<RoomEntry> entries;
            try
            {
                // Entries past --retain-days stay in the file until the next start deletes them; they are not shown.
                long since = RetainedSinceMs() ?? long.MinValue;
                entries = HistorySearch.Run(_path, room, words, limit)
                    .Where(m => m.TimeMs >= since)
                    .Select(m => new RoomEntry(RoomEntryDraft.Message(m.Room, m.TimeMs, m.Nick, m.Kind, m.Text), m.Seq))
                    .ToList();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // On a pool thread an escaping exception would end the server: every failure becomes the one answer.
                failed($"The search could not read the history: {exception.Message}");
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _searches);
            }
            found(entries);
        })));
    }

    public string Topic(string room)
    {
        lock (_gate) return _rooms.TryGetValue(room, out var window) ? window.Topic : "";
    }

    public void SetTopic(string room, string topic)
    {
        lock (_gate) WindowOf(room).Topic = topic;
        _writer.Enqueue(StoreOp.Topic(room, topic));
    }

    public RoomAccess Access(string room)
    {
        lock (_gate) return _rooms.TryGetValue(room, out var window) ? window.Access : RoomAccess.Open;
    }

    public void SetAccess(string room, RoomAccess access)
    {
        lock (_gate) WindowOf(room).Access = access;
        _writer.Enqueue(StoreOp.Access(room, access));
    }

    /// <summary>The window stays: a durable log keeps the history of a room nobody is in.</summary>
    public void Release(string room)
    {
    }

    /// <summary>Writes everything queued and stops the writer; the <see cref="SqliteStore"/> closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    private void OnWritten(List<RoomEntry> entries)
    {
        var prunes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                var window = _rooms[entry.Room];
                ulong firstBefore = window.History.FirstSeq;
                window.History.Add(entry);
                window.Committed = entry.Seq;
                if (firstBefore != 0 && window.History.FirstSeq != firstBefore) prunes[entry.Room] = window.History.FirstSeq;
            }
        }
        foreach (var (room, firstKept) in prunes) _writer.Enqueue(StoreOp.Prune(room, firstKept));
        Committed?.Invoke(entries);
    }

    /// <summary>The oldest entry time kept under <c>--retain-days</c>, or null without an age limit.</summary>
    private long? RetainedSinceMs() => _options.RetainDays > 0
        ? _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() - (long)(_options.RetainDays * 86_400_000)
        : null;

    private RoomWindow WindowOf(string room)
    {
        if (!_rooms.TryGetValue(room, out var window))
        {
            window = new RoomWindow(new RoomHistory(_options.HistorySize, _options.HistoryBytes));
            _rooms[room] = window;
        }
        return window;
    }

    private void Load(SqliteConnection connection)
    {
        using (var rooms = connection.CreateCommand())
        {
            rooms.CommandText = "SELECT name, last_seq, topic, modes, room_key FROM rooms";
            using var reader = rooms.ExecuteReader();
            while (reader.Read())
            {
                var window = WindowOf(reader.GetString(0));
                window.Assigned = window.Committed = (ulong)reader.GetInt64(1);
                window.Topic = reader.GetString(2);
                // Bits this build does not know are dropped rather than trusted: the file may be from a newer one.
                var modes = (RoomModeFlags)(reader.GetInt64(3) & (long)RoomAccess.KnownModes);
                window.Access = modes == RoomModeFlags.None && reader.GetString(4).Length == 0 ? RoomAccess.Open : new RoomAccess(modes, reader.GetString(4));
            }
        }
        long indexed = StoreWriter.IndexedUpTo(connection);
        if (RetainedSinceMs() is { } since)
        {
            DataFile.Execute(connection, $"DELETE FROM entries_text WHERE rowid IN (SELECT id FROM entries WHERE time_ms < {since} AND is_event = 0 AND id <= {indexed}); " +
                "DELETE FROM entries WHERE time_ms < " + since + ";");
        }
        using var entries = connection.CreateCommand();
        entries.CommandText = "SELECT seq, time_ms, nick, is_event, kind, text FROM entries WHERE room = $room ORDER BY seq DESC LIMIT $limit";
        var room = entries.Parameters.Add(new SqliteParameter { ParameterName = "$room" });
        entries.Parameters.AddWithValue("$limit", _options.HistorySize);
        foreach (var (name, window) in _rooms)
        {
            room.Value = name;
            var newestFirst = new List<RoomEntry>();
            using (var reader = entries.ExecuteReader())
            {
                while (reader.Read())
                {
                    bool isEvent = reader.GetInt64(3) != 0;
                    int kind = reader.GetInt32(4);
                    var draft = new RoomEntryDraft(name, reader.GetInt64(1), reader.GetString(2), isEvent,
                        isEvent ? default : (MessageKind)kind, isEvent ? (RoomEventKind)kind : default, reader.GetString(5));
                    newestFirst.Add(new RoomEntry(draft, (ulong)reader.GetInt64(0)));
                }
            }
            for (int i = newestFirst.Count - 1; i >= 0; i--) window.History.Add(newestFirst[i]);
        }
    }
}
