namespace TermChat.Server.History;

/// <summary>
/// A ring buffer of one room's last entries, oldest first, bounded both in entries and in bytes (by
/// <see cref="RoomEntry.Size"/>) so that a room of long messages cannot hold much memory. The entries carry their
/// encoded frames once a front end has made them, so a join replays shared bytes with nothing encoded again.
/// </summary>
internal sealed class RoomHistory
{
    private readonly RoomEntry[] _entries;
    private readonly long _maxBytes;
    private int _start;
    private int _count;
    private long _bytes;

    public RoomHistory(int capacity, long maxBytes)
    {
        _entries = new RoomEntry[capacity];
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes of the entries held.</summary>
    public long Bytes => _bytes;

    public int Count => _count;

    /// <summary>The oldest kept sequence number, or 0 when empty.</summary>
    public ulong FirstSeq => _count == 0 ? 0 : _entries[_start].Seq;

    public void Add(RoomEntry entry)
    {
        if (_entries.Length == 0) return;
        while (_count > 0 && (_count == _entries.Length || _bytes + entry.Size > _maxBytes))
        {
            RemoveOldest();
        }
        _entries[(_start + _count) % _entries.Length] = entry;
        _count++;
        _bytes += entry.Size;
    }

    /// <summary>
    /// The newest entries after <paramref name="afterSeq"/> that fit <paramref name="maxEntries"/> and
    /// <paramref name="maxBytes"/>, oldest first.
    /// </summary>
    public List<RoomEntry> Newest(ulong afterSeq, int maxEntries, long maxBytes)
    {
        // Walk back from the newest: the budget keeps the most recent entries, which matter most to a reader.
        int taken = 0;
        long bytes = 0;
        while (taken < _count && taken < maxEntries)
        {
            var entry = _entries[(_start + _count - 1 - taken) % _entries.Length];
            if (entry.Seq <= afterSeq || bytes + entry.Size > maxBytes) break;
            bytes += entry.Size;
            taken++;
        }
        var result = new List<RoomEntry>(taken);
        for (int i = _count - taken; i < _count; i++)
        {
            result.Add(_entries[(_start + i) % _entries.Length]);
        }
        return result;
    }

    /// <summary>
    /// The messages (not events) held that contain every word of <paramref name="words"/> (see <see cref="WordMatch"/>),
    /// newest first, at most <paramref name="limit"/>: the search of a log that keeps its window in memory.
    /// </summary>
    public List<RoomEntry> NewestMessagesMatching(string words, int limit)
    {
        var query = WordMatch.Parse(words);
        var matches = new List<RoomEntry>();
        for (int i = _count - 1; i >= 0 && matches.Count < limit; i--)
        {
            var entry = _entries[(_start + i) % _entries.Length];
            if (!entry.IsEvent && query.Matches(entry.Text)) matches.Add(entry);
        }
        return matches;
    }

    private void RemoveOldest()
    {
        _bytes -= _entries[_start].Size;
        _entries[_start] = null!;
        _start = (_start + 1) % _entries.Length;
        _count--;
    }
}
