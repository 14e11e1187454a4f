using Microsoft.Data.Sqlite;
using TermChat.Server.History;

namespace TermChat.Server.Storage;

/// <summary>The writer's prepared statements, one per kind of write, bound to the transaction of the batch.</summary>
internal sealed class StoreStatements : IDisposable
{
    // Entries go in this many rows to a statement: Microsoft.Data.Sqlite's cost per call, not SQLite's per row, is
    // most of an insert's.
    private const int RowsPerInsert = 32;
    private const int EntryColumns = 8;

    private readonly SqliteCommand _insertEntries;
    private readonly SqliteCommand _insertEntry;
    private readonly SqliteCommand _indexRange;
    private readonly SqliteCommand _setIndexed;
    private readonly SqliteCommand _raiseRoom;
    private readonly SqliteCommand _setTopic;
    private readonly SqliteCommand _setAccess;
    private readonly SqliteCommand _unindexBelow;
    private readonly SqliteCommand _pruneBelow;
    private readonly SqliteCommand _saveSession;
    private readonly SqliteCommand _deleteSession;
    private readonly SqliteCommand _setAlive;
    private readonly SqliteCommand _saveOwner;
    private readonly SqliteCommand _deleteOwner;
    private readonly SqliteCommand _saveBan;
    private readonly SqliteCommand _deleteBan;
    private readonly SqliteCommand[] _all;

    public StoreStatements(SqliteConnection connection)
    {
        _insertEntries = PrepareInsert(connection, RowsPerInsert);
        _insertEntry = PrepareInsert(connection, 1);
        _indexRange = Prepare(connection,
            "INSERT INTO entries_text(rowid, text) SELECT id, text FROM entries WHERE id > $after AND id <= $last AND is_event = 0", "$after", "$last");
        _setIndexed = Prepare(connection, "INSERT OR REPLACE INTO server(key, value) VALUES ('indexed_id', $id)", "$id");
        _raiseRoom = Prepare(connection,
            "INSERT INTO rooms(name, last_seq) VALUES ($room, $seq) ON CONFLICT(name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
            "$room", "$seq");
        _setTopic = Prepare(connection,
            "INSERT INTO rooms(name, last_seq, topic) VALUES ($room, 0, $topic) ON CONFLICT(name) DO UPDATE SET topic = excluded.topic",
            "$room", "$topic");
        _setAccess = Prepare(connection,
            "INSERT INTO rooms(name, last_seq, modes, room_key) VALUES ($room, 0, $modes, $key) ON CONFLICT(name) DO UPDATE SET modes = excluded.modes, room_key = excluded.room_key",
            "$room", "$modes", "$key");
        _unindexBelow = Prepare(connection,
            "DELETE FROM entries_text WHERE rowid IN (SELECT id FROM entries WHERE room = $room AND seq < $seq AND is_event = 0 AND id <= $indexed)",
            "$room", "$seq", "$indexed");
        _pruneBelow = Prepare(connection, "DELETE FROM entries WHERE room = $room AND seq < $seq", "$room", "$seq");
        _saveSession = Prepare(connection,
            "INSERT OR REPLACE INTO sessions(token_hash, nick, away, rooms, detached_ms, key_fp) VALUES ($hash, $nick, $away, $rooms, $detached, $key)",
            "$hash", "$nick", "$away", "$rooms", "$detached", "$key");
        _deleteSession = Prepare(connection, "DELETE FROM sessions WHERE token_hash = $hash", "$hash");
        _setAlive = Prepare(connection, "INSERT OR REPLACE INTO server(key, value) VALUES ('alive_ms', $ms)", "$ms");
        _saveOwner = Prepare(connection, "INSERT OR REPLACE INTO nick_owners(nick, fingerprint, since_ms) VALUES ($nick, $key, $since)", "$nick", "$key", "$since");
        _deleteOwner = Prepare(connection, "DELETE FROM nick_owners WHERE nick = $nick", "$nick");
        _saveBan = Prepare(connection,
            "INSERT OR REPLACE INTO bans(target, kind, expires_ms, reason, by_nick) VALUES ($target, $kind, $expires, $reason, $by)",
            "$target", "$kind", "$expires", "$reason", "$by");
        _deleteBan = Prepare(connection, "DELETE FROM bans WHERE target = $target", "$target");
        _all = [_insertEntries, _insertEntry, _indexRange, _setIndexed, _raiseRoom, _setTopic, _setAccess, _unindexBelow, _pruneBelow, _saveSession, _deleteSession, _setAlive, _saveOwner, _deleteOwner, _saveBan, _deleteBan];
    }

    public void Use(SqliteTransaction? transaction)
    {
        foreach (var command in _all) command.Transaction = transaction;
    }

    /// <summary>Inserts <paramref name="entries"/> with the ids from <paramref name="firstId"/> on, in order.</summary>
    public void Insert(IReadOnlyList<RoomEntry> entries, long firstId)
    {
        int at = 0;
        for (; at + RowsPerInsert <= entries.Count; at += RowsPerInsert) Insert(_insertEntries, entries, at, RowsPerInsert, firstId);
        for (; at < entries.Count; at++) Insert(_insertEntry, entries, at, 1, firstId);
    }

    /// <summary>Adds the messages with ids in (<paramref name="after"/>, <paramref name="last"/>] to the full-text index.</summary>
    public void Index(long after, long last)
    {
        Run(_indexRange, after, last);
        Run(_setIndexed, last);
    }

    /// <summary>Applies a write other than an append; <paramref name="indexedId"/> is the last id in the index.</summary>
    public void Apply(StoreOp op, long indexedId)
    {
        switch (op.Kind)
        {
            case StoreOpKind.Topic:
                Run(_setTopic, op.Key, op.Text);
                break;
            case StoreOpKind.Access:
                Run(_setAccess, op.Key, op.Number, op.Text);
                break;
            case StoreOpKind.Prune:
                Run(_unindexBelow, op.Key, op.Number, indexedId);
                Run(_pruneBelow, op.Key, op.Number);
                break;
            case StoreOpKind.SaveSession:
                var session = op.Session!;
                // Room names cannot hold a space (NameRules), so one space-separated column keeps them in order.
                Run(_saveSession, session.TokenHash, session.Nick, session.Away, string.Join(' ', session.Rooms), session.DetachedMs is { } ms ? ms : DBNull.Value,
                    session.KeyFingerprint is { } key ? key : DBNull.Value);
                break;
            case StoreOpKind.DeleteSession:
                Run(_deleteSession, op.Key);
                break;
            case StoreOpKind.SaveOwner:
                Run(_saveOwner, op.Key, op.Text, op.Number);
                break;
            case StoreOpKind.DeleteOwner:
                Run(_deleteOwner, op.Key);
                break;
            case StoreOpKind.SaveBan:
                var ban = op.Ban!;
                Run(_saveBan, ban.Target, (int)ban.Kind, ban.ExpiresMs is { } expires ? expires : DBNull.Value, ban.Reason, ban.By);
                break;
            case StoreOpKind.DeleteBan:
                Run(_deleteBan, op.Key);
                break;
        }
    }

    public void RaiseRoomSeq(string room, ulong seq) => Run(_raiseRoom, room, (long)seq);

    public void SetAlive(long unixMs) => Run(_setAlive, unixMs);

    public void Dispose()
    {
        foreach (var command in _all) command.Dispose();
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (int i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        command.ExecuteNonQuery();
    }

    private static void Insert(SqliteCommand command, IReadOnlyList<RoomEntry> entries, int start, int rows, long firstId)
    {
        var p = command.Parameters;
        for (int row = 0; row < rows; row++)
        {
            var entry = entries[start + row];
            int column = row * EntryColumns;
            p[column].Value = firstId + start + row;
            p[column + 1].Value = entry.Room;
            p[column + 2].Value = (long)entry.Seq;
            p[column + 3].Value = entry.TimeMs;
            p[column + 4].Value = entry.Nick;
            p[column + 5].Value = entry.IsEvent ? 1 : 0;
            p[column + 6].Value = entry.IsEvent ? (int)entry.EventKind : (int)entry.MessageKind;
            p[column + 7].Value = entry.Text;
        }
        command.ExecuteNonQuery();
    }

    private static SqliteCommand PrepareInsert(SqliteConnection connection, int rows)
    {
        var names = new List<string>(rows * EntryColumns);
        var values = new List<string>(rows);
        for (int row = 0; row < rows; row++)
        {
            var columns = Enumerable.Range(0, EntryColumns).Select(column => $"$p{row * EntryColumns + column}").ToList();
            names.AddRange(columns);
            values.Add("(" + string.Join(", ", columns) + ")");
        }
        return Prepare(connection, "INSERT INTO entries(id, room, seq, time_ms, nick, is_event, kind, text) VALUES " + string.Join(", ", values), [.. names]);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }
}
