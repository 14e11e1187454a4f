using System.Text;
using TermChat.Protocol;

namespace TermChat.Server.Storage;

/// <summary>
/// Full-text search of a data file's stored room messages (SQLite FTS5), read-only: it runs beside a live server on
/// the same file (WAL lets readers in while the server writes).
/// </summary>
public static class HistorySearch
{
    /// <summary>The messages of <paramref name="room"/> (every room when null) holding every word, newest first.</summary>
    /// <param name="dataFile">The server's data file.</param>
    /// <param name="room">A room name, or null for all rooms.</param>
    /// <param name="words">What to look for: every word must appear (case-insensitive, whole words; a trailing * matches a prefix).</param>
    /// <param name="limit">The most results returned.</param>
    /// <exception cref="StoreOpenException">The file cannot be read; the message says why.</exception>
    /// <exception cref="ArgumentException">No word to search for.</exception>
    public static IReadOnlyList<FoundMessage> Run(string dataFile, string? room, string words, int limit)
    {
        string match = MatchExpression(words);
        using var connection = DataFile.OpenForReading(dataFile);
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT e.room, e.seq, e.time_ms, e.nick, e.kind, e.text FROM entries_text JOIN entries e ON e.id = entries_text.rowid " +
            "WHERE entries_text MATCH $match AND ($room IS NULL OR e.room = $room) ORDER BY e.time_ms DESC, e.seq DESC LIMIT $limit";
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$room", (object?)room ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        var found = new List<FoundMessage>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(new FoundMessage(reader.GetString(0), (ulong)reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3),
                (MessageKind)reader.GetInt32(4), reader.GetString(5)));
        }
        return found;
    }

    /// <summary>
    /// The FTS5 query for plain words: each word quoted, so that nothing a user types is read as query syntax (a
    /// quote, a colon, AND/OR/NEAR), and all of them required. A trailing * stays a prefix search.
    /// </summary>
    internal static string MatchExpression(string words)
    {
        var terms = new List<string>();
        foreach (string word in words.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            bool prefix = word.Length > 1 && word.EndsWith('*');
            string bare = prefix ? word[..^1] : word;
            var quoted = new StringBuilder("\"").Append(bare.Replace("\"", "\"\"")).Append('"');
            if (prefix) quoted.Append('*');
            terms.Add(quoted.ToString());
        }
        return terms.Count == 0 ? throw new ArgumentException("Give at least one word to search for.", nameof(words)) : string.Join(' ', terms);
    }
}
