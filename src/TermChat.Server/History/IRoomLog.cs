namespace TermChat.Server.History;

/// <summary>
/// The log of every room: sequences entries, keeps a bounded history of them for replay and catch-up, and keeps
/// each room's high-water seq even while the room is empty or deleted, so that a room's seqs never repeat.
/// </summary>
/// <remarks>
/// <para>Threading contract (docs/ARCHITECTURE.md, "Where slow work happens"): the chat core calls every method
/// under its lock, from whatever thread runs a command. So no method may block on I/O. <see cref="Append"/> assigns
/// the seq in memory and returns at once; a log whose storage is slow commits in the background and reports
/// entries through <see cref="Committed"/>, on its own thread, in seq order per room. The core shows an entry to
/// anyone only once it is committed: a log whose storage is memory commits inside <see cref="Append"/>.</para>
/// <para>Reads (<see cref="Read"/>) serve committed entries only, from memory: a log backed by disk keeps the
/// retained window of each active room in memory.</para>
/// </remarks>
internal interface IRoomLog : IDisposable
{
    /// <summary>
    /// Entries that were not committed when <see cref="Append"/> returned them, once they are; called outside the
    /// core's lock, in seq order per room. Set once by the core before the first append.
    /// </summary>
    Action<IReadOnlyList<RoomEntry>>? Committed { get; set; }

    /// <summary>Sequences <paramref name="draft"/> as its room's next entry. Never blocks on I/O.</summary>
    /// <param name="draft">The entry without a seq.</param>
    /// <param name="committed">Whether the entry is already committed (and will not be reported through <see cref="Committed"/>).</param>
    /// <returns>The entry with its seq.</returns>
    RoomEntry Append(RoomEntryDraft draft, out bool committed);

    /// <summary>The highest committed seq of <paramref name="room"/>, 0 if it never had an entry.</summary>
    ulong LastSeq(string room);

    /// <summary>
    /// The newest committed entries of <paramref name="room"/> after <paramref name="afterSeq"/> that fit both
    /// <paramref name="maxEntries"/> and <paramref name="maxBytes"/> (by <see cref="RoomEntry.Size"/>), oldest first.
    /// </summary>
    RoomSlice Read(string room, ulong afterSeq, int maxEntries, long maxBytes);

    /// <summary>
    /// Searches the stored messages (not events) of <paramref name="room"/> for those holding every word of
    /// <paramref name="words"/> (case-insensitive, whole words; a trailing * matches a prefix). Returns at once: the
    /// answer comes through <paramref name="found"/> (at most <paramref name="limit"/> entries, newest first) or
    /// <paramref name="failed"/> (why, in one line), later, on another thread and outside the caller's lock, so a
    /// log whose storage is slow never holds the core up.
    /// </summary>
    /// <param name="room">The room's canonical name.</param>
    /// <param name="words">At least one word; the caller checks.</param>
    /// <param name="limit">The most entries returned.</param>
    /// <param name="found">Receives the matching entries.</param>
    /// <param name="failed">Receives why the search could not run.</param>
    void Search(string room, string words, int limit, Action<IReadOnlyList<RoomEntry>> found, Action<string> failed);

    /// <summary>The topic of <paramref name="room"/>, empty if none.</summary>
    string Topic(string room);

    /// <summary>Sets the topic of <paramref name="room"/>; kept as long as the room's history is. Never blocks on I/O.</summary>
    void SetTopic(string room, string topic);

    /// <summary>The modes and key of <paramref name="room"/>; <see cref="RoomAccess.Open"/> if none were set.</summary>
    RoomAccess Access(string room);

    /// <summary>Sets the modes and key of <paramref name="room"/>; kept as long as the room's history is. Never blocks on I/O.</summary>
    void SetAccess(string room, RoomAccess access);

    /// <summary>
    /// Why the log takes no new messages now (its disk is full, say), or null when it does. Entries appended anyway
    /// (joins, parts) wait in memory and are committed when the log recovers.
    /// </summary>
    string? Refusal { get; }

    /// <summary>
    /// The room has nobody in it and is deleted. The log may drop the history it holds in memory for it; the room's
    /// high-water seq stays, so a room created again under that name continues above it.
    /// </summary>
    void Release(string room);
}
