using Microsoft.Data.Sqlite;

namespace TermChat.Server.Storage;

/// <summary>
/// The data file's tables, and the migrations from every older schema. <c>PRAGMA user_version</c> holds the
/// schema version; a file newer than <see cref="Current"/> is refused rather than guessed at.
/// </summary>
internal static class StoreSchema
{
    /// <summary>The schema this build writes.</summary>
    public const int Current = 5;

    // Version 1: rooms and entries. Version 2 adds sessions (resume across restarts) and full-text search. Version 3
    // adds nick ownership by key and the key a session was opened with. Version 4 adds bans.
    // Version 5 adds each room's modes and key, kept like its topic.
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE rooms (
            name TEXT PRIMARY KEY,
            last_seq INTEGER NOT NULL,
            topic TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            room TEXT NOT NULL,
            seq INTEGER NOT NULL,
            time_ms INTEGER NOT NULL,
            nick TEXT NOT NULL,
            is_event INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE UNIQUE INDEX entries_by_room ON entries(room, seq);
        CREATE INDEX entries_by_time ON entries(time_ms);
        """,
        """
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            nick TEXT NOT NULL,
            away TEXT NOT NULL,
            rooms TEXT NOT NULL,
            detached_ms INTEGER
        );
        CREATE TABLE server (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        CREATE VIRTUAL TABLE entries_text USING fts5(text, content='', contentless_delete=1);
        INSERT INTO entries_text(rowid, text) SELECT id, text FROM entries WHERE is_event = 0;
        """,
        """
        CREATE TABLE nick_owners (
            nick TEXT PRIMARY KEY COLLATE NOCASE,
            fingerprint TEXT NOT NULL,
            since_ms INTEGER NOT NULL
        );
        ALTER TABLE sessions ADD COLUMN key_fp TEXT;
        """,
        """
        CREATE TABLE bans (
            target TEXT PRIMARY KEY COLLATE NOCASE,
            kind INTEGER NOT NULL,
            expires_ms INTEGER,
            reason TEXT NOT NULL,
            by_nick TEXT NOT NULL
        );
        """,
        """
        ALTER TABLE rooms ADD COLUMN modes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE rooms ADD COLUMN room_key TEXT NOT NULL DEFAULT '';
        """,
    ];

    /// <summary>Brings an open file up to <see cref="Current"/>, each step in its own transaction.</summary>
    /// <returns>The version the file had.</returns>
    public static int Migrate(SqliteConnection connection, string path)
    {
        int version = RefuseNewer(connection, path);
        for (int next = version; next < Current; next++)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = s_migrations[next] + $"\nPRAGMA user_version = {next + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        return version;
    }

    /// <summary>The file's schema version, unless it is newer than this build reads.</summary>
    /// <exception cref="StoreOpenException">The file is of a newer schema.</exception>
    public static int RefuseNewer(SqliteConnection connection, string path)
    {
        int version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"));
        if (version > Current)
        {
            throw new StoreOpenException(
                $"{path} was written by a newer TermChat (data schema {version}; this one reads up to {Current}): upgrade termchat, or choose another file with --data.");
        }
        return version;
    }

    /// <summary>The SQL that creates schema <paramref name="version"/> from nothing, for tests of old files.</summary>
    internal static string ScriptUpTo(int version) =>
        string.Join("\n", s_migrations.Take(version)) + $"\nPRAGMA user_version = {version};";

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
