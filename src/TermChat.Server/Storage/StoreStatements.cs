using Microsoft.Data.Sqlite;

namespace TermChat.Server.Storage;

/// <summary>The writer's prepared statements, one per kind of write, bound to the transaction of the batch.</summary>
internal sealed class StoreStatements : IDisposable
{
    private readonly SqliteCommand _insertEntry;
    private readonly SqliteCommand _indexText;
    private readonly SqliteCommand _raiseRoom;
    private readonly SqliteCommand _setTopic;
    private readonly SqliteCommand _unindexBelow;
    private readonly SqliteCommand _pruneBelow;
    private readonly SqliteCommand _saveSession;
    private readonly SqliteCommand _deleteSession;
    private readonly SqliteCommand _setAlive;
    private readonly SqliteCommand _saveOwner;
    private readonly SqliteCommand _deleteOwner;
    private readonly SqliteCommand[] _all;

    public StoreStatements(SqliteConnection connection)
    {
        _insertEntry = Prepare(connection,
            "INSERT INTO entries(room, seq, time_ms, nick, is_event, kind, text) VALUES ($room, $seq, $time, $nick, $event, $kind, $text) RETURNING id",
            "$room", "$seq", "$time", "$nick", "$event", "$kind", "$text");
        _indexText = Prepare(connection, "INSERT INTO entries_text(rowid, text) VALUES ($id, $text)", "$id", "$text");
        _raiseRoom = Prepare(connection,
            "INSERT INTO rooms(name, last_seq) VALUES ($room, $seq) ON CONFLICT(name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
            "$room", "$seq");
        _setTopic = Prepare(connection,
            "INSERT INTO rooms(name, last_seq, topic) VALUES ($room, 0, $topic) ON CONFLICT(name) DO UPDATE SET topic = excluded.topic",
            "$room", "$topic");
        _unindexBelow = Prepare(connection,
            "DELETE FROM entries_text WHERE rowid IN (SELECT id FROM entries WHERE room = $room AND seq < $seq AND is_event = 0)", "$room", "$seq");
        _pruneBelow = Prepare(connection, "DELETE FROM entries WHERE room = $room AND seq < $seq", "$room", "$seq");
        _saveSession = Prepare(connection,
            "INSERT OR REPLACE INTO sessions(token_hash, nick, away, rooms, detached_ms, key_fp) VALUES ($hash, $nick, $away, $rooms, $detached, $key)",
            "$hash", "$nick", "$away", "$rooms", "$detached", "$key");
        _deleteSession = Prepare(connection, "DELETE FROM sessions WHERE token_hash = $hash", "$hash");
        _setAlive = Prepare(connection, "INSERT OR REPLACE INTO server(key, value) VALUES ('alive_ms', $ms)", "$ms");
        _saveOwner = Prepare(connection, "INSERT OR REPLACE INTO nick_owners(nick, fingerprint, since_ms) VALUES ($nick, $key, $since)", "$nick", "$key", "$since");
        _deleteOwner = Prepare(connection, "DELETE FROM nick_owners WHERE nick = $nick", "$nick");
        _all = [_insertEntry, _indexText, _raiseRoom, _setTopic, _unindexBelow, _pruneBelow, _saveSession, _deleteSession, _setAlive, _saveOwner, _deleteOwner];
    }

    public void Use(SqliteTransaction? transaction)
    {
        foreach (var command in _all) command.Transaction = transaction;
    }

    public void Apply(StoreOp op)
    {
        switch (op.Kind)
        {
            case StoreOpKind.Append:
                var entry = op.Entry!;
                var p = _insertEntry.Parameters;
                p[0].Value = entry.Room;
                p[1].Value = (long)entry.Seq;
                p[2].Value = entry.TimeMs;
                p[3].Value = entry.Nick;
                p[4].Value = entry.IsEvent ? 1 : 0;
                p[5].Value = entry.IsEvent ? (int)entry.EventKind : (int)entry.MessageKind;
                p[6].Value = entry.Text;
                long id = (long)_insertEntry.ExecuteScalar()!;
                if (!entry.IsEvent) Run(_indexText, id, entry.Text);
                break;
            case StoreOpKind.Topic:
                Run(_setTopic, op.Key, op.Text);
                break;
            case StoreOpKind.Prune:
                Run(_unindexBelow, op.Key, op.Number);
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

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }
}
