using Microsoft.Data.Sqlite;

namespace TermChat.Server.Storage;

/// <summary>
/// Opens the server's data file for writing: takes the lock that keeps a second server off it, sets the journal
/// mode and durability, checks the file is sound and migrates its schema. Every way this can fail becomes one
/// <see cref="StoreOpenException"/> line that names the file and the fix.
/// </summary>
internal static class DataFile
{
    /// <summary>
    /// The journal and durability settings. WAL lets readers (search, <c>termchat history</c>) run beside the writer.
    /// <c>synchronous=FULL</c> syncs the WAL on every commit, so an acknowledged message survives power loss as well
    /// as kill -9; group commit (one transaction per batch, see <see cref="StoreWriter"/>) keeps that to one sync per
    /// batch rather than per message. NORMAL would survive kill -9 only.
    /// </summary>
    public const string Pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 2000;";

    /// <summary>Opens (creating if needed) <paramref name="path"/>; the returned lock must be held while the file is used.</summary>
    public static (SqliteConnection Connection, FileStream Lock) OpenForWriting(string path)
    {
        path = Path.GetFullPath(path);
        FileStream fileLock;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // An OS lock on a side file, not SQLite's exclusive mode, so that readers (search) can still open the file.
            fileLock = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (exception is not FileNotFoundException && IsLockConflict(exception))
        {
            throw new StoreOpenException($"{path} is in use by another TermChat server: stop it, or give this one another file with --data.", exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StoreOpenException($"{path} cannot be written ({exception.Message}): choose a writable place with --data, or use --ephemeral.", exception);
        }
        SqliteConnection? connection = null;
        try
        {
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            connection.Open();
            // Checked before anything is written (switching to WAL rewrites the header): a file refused is left as it was.
            if (StoreSchema.Scalar(connection, "PRAGMA quick_check") is not "ok")
            {
                throw new StoreOpenException($"{path} is damaged (SQLite's quick_check failed): move it away to start afresh, or restore it from a backup.");
            }
            StoreSchema.RefuseNewer(connection, path);
            Execute(connection, Pragmas);
            StoreSchema.Migrate(connection, path);
            return (connection, fileLock);
        }
        catch (Exception exception)
        {
            connection?.Dispose();
            fileLock.Dispose();
            throw Explain(exception, path);
        }
    }

    /// <summary>Opens <paramref name="path"/> to read only, beside a running server.</summary>
    public static SqliteConnection OpenForReading(string path)
    {
        if (!File.Exists(path))
        {
            throw new StoreOpenException($"{path} does not exist: give the data file of a server with --data.");
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 2000;");
            int version = Convert.ToInt32(StoreSchema.Scalar(connection, "PRAGMA user_version"));
            if (version != StoreSchema.Current)
            {
                throw new StoreOpenException(version > StoreSchema.Current
                    ? $"{path} was written by a newer TermChat (data schema {version}): upgrade termchat."
                    : $"{path} has data schema {version}; start the server on it once to upgrade it.");
            }
            return connection;
        }
        catch (Exception exception)
        {
            connection.Dispose();
            throw Explain(exception, path);
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static Exception Explain(Exception exception, string path) => exception switch
    {
        StoreOpenException => exception,
        SqliteException { SqliteErrorCode: 26 or 11 } => new StoreOpenException(
            $"{path} is not a TermChat data file or is damaged: move it away to start afresh, or choose another file with --data.", exception),
        SqliteException { SqliteErrorCode: 8 or 14 } => new StoreOpenException(
            $"{path} cannot be written (read-only or missing directory): choose a writable place with --data, or use --ephemeral.", exception),
        SqliteException { SqliteErrorCode: 5 or 6 } => new StoreOpenException(
            $"{path} is locked by another program: stop it, or give this server another file with --data.", exception),
        SqliteException { SqliteErrorCode: 13 } => new StoreOpenException(
            $"The disk holding {path} is full: free some space, or choose another place with --data.", exception),
        SqliteException sqlite => new StoreOpenException($"{path} cannot be opened: {sqlite.Message}", exception),
        _ => exception,
    };

    // .NET reports a held FileShare.None lock on Unix as an IOException with EWOULDBLOCK's HResult (11), on
    // Windows as a sharing violation (32).
    private static bool IsLockConflict(IOException exception) => (exception.HResult & 0xFFFF) is 11 or 32 or 33;
}
