using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using TermChat.Server.Core;
using TermChat.Server.Core.Identity;

namespace TermChat.Server.Storage;

/// <summary>
/// The server's data file: the room log (<see cref="SqliteRoomLog"/>), the sessions and nick ownership, written by one
/// <see cref="StoreWriter"/> so that a session's change and the entries around it reach the file in order.
/// </summary>
internal sealed class SqliteStore : ISessionStore, INickOwnerStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly FileStream _lock;
    private readonly List<SessionRecord> _sessions;
    private readonly long? _downSinceMs;
    private readonly List<NickOwner> _owners;
    private int _disposed;

    private SqliteStore(string path, SqliteConnection connection, FileStream fileLock, ServerOptions options, ILogger logger)
    {
        Path = path;
        _connection = connection;
        _lock = fileLock;
        (_sessions, _downSinceMs) = ReadSessions(connection);
        _owners = ReadOwners(connection);
        // The writer starts here: nothing else uses the connection from now on.
        RoomLog = SqliteRoomLog.Open(connection, path, options, logger);
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    public SqliteRoomLog RoomLog { get; }

    /// <summary>Opens (creating if needed) the data file at <paramref name="path"/>.</summary>
    /// <exception cref="StoreOpenException">The file cannot be used; the message says why and what to do.</exception>
    public static SqliteStore Open(string path, ServerOptions options, ILogger logger)
    {
        var (connection, fileLock) = DataFile.OpenForWriting(path);
        try
        {
            return new SqliteStore(System.IO.Path.GetFullPath(path), connection, fileLock, options, logger);
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            fileLock.Dispose();
            throw new StoreOpenException($"{path} cannot be read: {exception.Message}; move it away to start afresh.", exception);
        }
    }

    public (IReadOnlyList<SessionRecord> Sessions, long? DownSinceMs) Load() => (_sessions, _downSinceMs);

    public void Save(SessionRecord session) => RoomLog.Writer.Enqueue(StoreOp.SaveSession(session));

    public void Delete(string tokenHash) => RoomLog.Writer.Enqueue(StoreOp.DeleteSession(tokenHash));

    public IReadOnlyList<NickOwner> LoadOwners() => _owners;

    public void SaveOwner(NickOwner owner) => RoomLog.Writer.Enqueue(StoreOp.SaveOwner(owner));

    public void DeleteOwner(string nick) => RoomLog.Writer.Enqueue(StoreOp.DeleteOwner(nick));

    /// <summary>Writes what is queued, then closes the file and releases its lock. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        RoomLog.Dispose();
        _connection.Dispose();
        _lock.Dispose();
    }

    private static (List<SessionRecord>, long?) ReadSessions(SqliteConnection connection)
    {
        var sessions = new List<SessionRecord>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT token_hash, nick, away, rooms, detached_ms, key_fp FROM sessions";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sessions.Add(new SessionRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetString(3).Split(' ', StringSplitOptions.RemoveEmptyEntries), reader.IsDBNull(4) ? null : reader.GetInt64(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }
        return (sessions, StoreSchema.Scalar(connection, "SELECT value FROM server WHERE key = 'alive_ms'") is long alive ? alive : null);
    }

    private static List<NickOwner> ReadOwners(SqliteConnection connection)
    {
        var owners = new List<NickOwner>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT nick, fingerprint, since_ms FROM nick_owners";
        using var reader = command.ExecuteReader();
        while (reader.Read()) owners.Add(new NickOwner(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return owners;
    }
}
