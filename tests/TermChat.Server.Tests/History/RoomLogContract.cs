using System.Collections.Concurrent;
using TermChat.Protocol;
using TermChat.Server.History;

namespace TermChat.Server.Tests.History;

/// <summary>
/// What every <see cref="IRoomLog"/> must do, whatever its storage. Each implementation runs this suite by deriving
/// from it; a durable one adds its restart tests on top.
/// </summary>
public abstract class RoomLogContract : IDisposable
{
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<(IRoomLog Log, string Room, ulong Seq), RoomEntry> _committed = new();
    private readonly ConcurrentQueue<string> _twice = new();
    private readonly List<IRoomLog> _opened = [];

    /// <summary>A new, empty log keeping at most <paramref name="historySize"/> entries and <paramref name="historyBytes"/> bytes per room.</summary>
    private protected abstract IRoomLog CreateLog(int historySize, long historyBytes);

    private protected IRoomLog Open(int historySize = 100, long historyBytes = 1 << 20)
    {
        var log = Track(CreateLog(historySize, historyBytes));
        _opened.Add(log);
        return log;
    }

    /// <summary>Records what <paramref name="log"/> reports committed, so that <see cref="Append"/> can wait for it.</summary>
    private protected IRoomLog Track(IRoomLog log)
    {
        log.Committed = entries =>
        {
            foreach (var entry in entries)
            {
                // Asserted on the test's thread (Dispose): an assertion thrown on the log's thread would kill the run.
                if (!_committed.TryAdd((log, entry.Room, entry.Seq), entry)) _twice.Enqueue($"{entry.Room} {entry.Seq}");
            }
        };
        return log;
    }

    /// <summary>Appends and waits until the entry is committed, however the log commits.</summary>
    private protected RoomEntry Append(IRoomLog log, RoomEntryDraft draft)
    {
        var entry = log.Append(draft, out bool committed);
        if (!committed)
        {
            var deadline = DateTime.UtcNow + CommitTimeout;
            while (!_committed.ContainsKey((log, entry.Room, entry.Seq)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"{entry.Room} {entry.Seq} was never committed");
                Thread.Sleep(1);
            }
        }
        return entry;
    }

    private protected static RoomEntryDraft Say(string room, string text, string nick = "ann") =>
        RoomEntryDraft.Message(room, 1_763_789_000_000, nick, MessageKind.Say, text);

    /// <summary>Runs a search and waits for its answer, which comes on another thread.</summary>
    private protected static IReadOnlyList<RoomEntry> Search(IRoomLog log, string room, string words, int limit = 50)
    {
        var answer = new TaskCompletionSource<IReadOnlyList<RoomEntry>>(TaskCreationOptions.RunContinuationsAsynchronously);
        log.Search(room, words, limit, found => answer.TrySetResult(found), failure => answer.TrySetException(new InvalidOperationException(failure)));
        return answer.Task.WaitAsync(CommitTimeout).GetAwaiter().GetResult();
    }

    [ContractFact]
    public void A_room_has_open_access_until_set_and_then_the_access_it_was_given()
    {
        var log = Open();
        Append(log, Say("#a", "hello"));

        Assert.Same(RoomAccess.Open, log.Access("#a"));
        Assert.Same(RoomAccess.Open, log.Access("#never"));
        log.SetAccess("#a", new RoomAccess(RoomModeFlags.Key | RoomModeFlags.Moderated, "s3cret"));
        log.SetAccess("#b", new RoomAccess(RoomModeFlags.InviteOnly, ""));

        Assert.Equal(new RoomAccess(RoomModeFlags.Key | RoomModeFlags.Moderated, "s3cret"), log.Access("#a"));
        Assert.Equal(new RoomAccess(RoomModeFlags.InviteOnly, ""), log.Access("#b"));
        Assert.Same(RoomAccess.Open, log.Access("#c"));
    }

    [ContractFact]
    public void A_search_finds_the_messages_holding_every_word_whole_and_in_any_case_newest_first()
    {
        var log = Open();
        Append(log, Say("#a", "Deploy the server"));
        Append(log, Say("#a", "deploy failed"));
        Append(log, RoomEntryDraft.Event("#a", 1, RoomEventKind.Topic, "ann", "deploy server"));
        Append(log, Say("#a", "the SERVER, deploy it now!", "bob"));
        Append(log, Say("#a", "redeploy servers"));
        Append(log, Say("#b", "deploy server"));

        var found = Search(log, "#a", "deploy server");

        Assert.Equal([4UL, 1UL], found.Select(e => e.Seq));
        Assert.Equal(["the SERVER, deploy it now!", "Deploy the server"], found.Select(e => e.Text));
        Assert.Equal("bob", found[0].Nick);
        Assert.All(found, e => Assert.Equal("#a", e.Room));
    }

    [ContractFact]
    public void A_search_word_ending_in_a_star_matches_words_it_begins()
    {
        var log = Open();
        Append(log, Say("#a", "deployment done"));
        Append(log, Say("#a", "redeploy"));

        Assert.Equal([1UL], Search(log, "#a", "deploy*").Select(e => e.Seq));
    }

    [ContractFact]
    public void A_search_returns_at_most_the_limit_keeping_the_newest()
    {
        var log = Open();
        for (int i = 1; i <= 8; i++) Append(log, Say("#a", $"match number {i}"));

        Assert.Equal([8UL, 7UL, 6UL], Search(log, "#a", "match", limit: 3).Select(e => e.Seq));
    }

    [ContractFact]
    public void A_search_of_a_room_without_history_or_without_a_match_finds_nothing()
    {
        var log = Open();
        Append(log, Say("#a", "hello"));

        Assert.Empty(Search(log, "#nobody", "hello"));
        Assert.Empty(Search(log, "#a", "goodbye"));
    }

    [ContractFact]
    public void Query_syntax_typed_by_a_user_is_searched_as_plain_words()
    {
        var log = Open();
        Append(log, Say("#a", "don't panic: OR else"));
        Append(log, Say("#a", "panic"));

        Assert.Equal([1UL], Search(log, "#a", "\"don't\" OR").Select(e => e.Seq));
    }

    [ContractFact]
    public void A_new_room_starts_at_seq_one_and_messages_and_events_share_its_seqs()
    {
        var log = Open();
        Assert.Equal(0UL, log.LastSeq("#new"));
        Assert.Equal(1UL, Append(log, RoomEntryDraft.Event("#new", 1, RoomEventKind.Join, "ann", "")).Seq);
        Assert.Equal(2UL, Append(log, Say("#new", "hello")).Seq);
        Assert.Equal(3UL, Append(log, RoomEntryDraft.Event("#new", 2, RoomEventKind.Topic, "ann", "t")).Seq);
        Assert.Equal(3UL, log.LastSeq("#new"));
    }

    [ContractFact]
    public void Rooms_are_sequenced_independently()
    {
        var log = Open();
        Append(log, Say("#a", "1"));
        Append(log, Say("#a", "2"));
        Assert.Equal(1UL, Append(log, Say("#b", "1")).Seq);
        Assert.Equal(3UL, Append(log, Say("#a", "3")).Seq);
    }

    [ContractFact]
    public void A_released_room_keeps_its_high_water_seq_and_continues_above_it()
    {
        var log = Open();
        for (int i = 0; i < 5; i++) Append(log, Say("#gone", $"m{i}"));
        log.Release("#gone");
        Assert.Equal(5UL, log.LastSeq("#gone"));
        Assert.Equal(6UL, Append(log, Say("#gone", "again")).Seq);
        // Releasing a room the log never saw changes nothing.
        log.Release("#never");
        Assert.Equal(0UL, log.LastSeq("#never"));
    }

    [ContractFact]
    public void An_entry_reads_back_with_every_field()
    {
        var log = Open();
        var said = Append(log, RoomEntryDraft.Message("#r", 1_763_789_000_123, "Zoë", MessageKind.Action, "waves 👋 at 世界"));
        var evented = Append(log, RoomEntryDraft.Event("#r", 1_763_789_000_456, RoomEventKind.NickChange, "zoe", "Zoë"));

        var slice = log.Read("#r", 0, int.MaxValue, long.MaxValue);

        Assert.Equal(2, slice.Entries.Count);
        var (m, e) = (slice.Entries[0], slice.Entries[1]);
        Assert.Equal(("#r", 1UL, 1_763_789_000_123L, "Zoë", false, MessageKind.Action, "waves 👋 at 世界"),
            (m.Room, m.Seq, m.TimeMs, m.Nick, m.IsEvent, m.MessageKind, m.Text));
        Assert.Equal(("#r", 2UL, 1_763_789_000_456L, "zoe", true, RoomEventKind.NickChange, "Zoë"),
            (e.Room, e.Seq, e.TimeMs, e.Nick, e.IsEvent, e.EventKind, e.Text));
        Assert.Equal(said.Size, m.Size);
        Assert.Equal(evented.Size, e.Size);
    }

    [ContractFact]
    public void A_read_returns_exactly_the_entries_after_the_cursor_in_order()
    {
        var log = Open();
        for (int i = 1; i <= 10; i++) Append(log, Say("#r", $"m{i}"));

        var slice = log.Read("#r", 6, int.MaxValue, long.MaxValue);

        Assert.Equal(["m7", "m8", "m9", "m10"], slice.Entries.Select(entry => entry.Text));
        Assert.Equal((7UL, 10UL), (slice.FirstSeq, slice.LastSeq));
    }

    [ContractFact]
    public void A_cursor_at_or_above_the_last_seq_reads_nothing()
    {
        var log = Open();
        for (int i = 1; i <= 3; i++) Append(log, Say("#r", $"m{i}"));
        foreach (ulong cursor in new ulong[] { 3, 4, ulong.MaxValue })
        {
            var slice = log.Read("#r", cursor, int.MaxValue, long.MaxValue);
            Assert.Empty(slice.Entries);
            Assert.Equal((4UL, 3UL), (slice.FirstSeq, slice.LastSeq));
        }
    }

    [ContractFact]
    public void A_room_never_written_reads_empty_at_seq_zero()
    {
        var slice = Open().Read("#nothing", 0, int.MaxValue, long.MaxValue);
        Assert.Empty(slice.Entries);
        Assert.Equal((1UL, 0UL), (slice.FirstSeq, slice.LastSeq));
    }

    [ContractFact]
    public void A_read_within_a_budget_keeps_the_newest_entries()
    {
        var log = Open();
        var entries = Enumerable.Range(1, 10).Select(i => Append(log, Say("#r", new string('x', 100 + i)))).ToList();

        Assert.Equal([8UL, 9UL, 10UL], log.Read("#r", 0, 3, long.MaxValue).Entries.Select(entry => entry.Seq));
        long lastTwo = entries[8].Size + entries[9].Size;
        var byBytes = log.Read("#r", 0, int.MaxValue, lastTwo);
        Assert.Equal([9UL, 10UL], byBytes.Entries.Select(entry => entry.Seq));
        Assert.Equal(9UL, byBytes.FirstSeq);
        // A budget smaller than the newest entry returns nothing, and says where the room stands.
        var none = log.Read("#r", 0, int.MaxValue, 10);
        Assert.Empty(none.Entries);
        Assert.Equal((11UL, 10UL), (none.FirstSeq, none.LastSeq));
    }

    [ContractFact]
    public void History_is_bounded_in_entries_and_in_bytes_but_seqs_go_on()
    {
        var byCount = Open(historySize: 3);
        for (int i = 1; i <= 10; i++) Append(byCount, Say("#r", $"m{i}"));
        Assert.Equal([8UL, 9UL, 10UL], byCount.Read("#r", 0, int.MaxValue, long.MaxValue).Entries.Select(entry => entry.Seq));

        var probe = new RoomEntry(Say("#r", new string('x', 5000)), 1);
        var byBytes = Open(historySize: 100, historyBytes: 3 * probe.Size + 10);
        for (int i = 1; i <= 10; i++) Append(byBytes, Say("#r", new string('x', 5000)));
        var kept = byBytes.Read("#r", 0, int.MaxValue, long.MaxValue);
        Assert.Equal([8UL, 9UL, 10UL], kept.Entries.Select(entry => entry.Seq));
        Assert.Equal(10UL, kept.LastSeq);
    }

    [ContractFact]
    public void Every_entry_is_committed_exactly_once_in_seq_order_per_room()
    {
        var log = Open();
        var order = new ConcurrentQueue<RoomEntry>();
        var inner = log.Committed!;
        log.Committed = entries =>
        {
            foreach (var entry in entries) order.Enqueue(entry);
            inner(entries);
        };
        var appended = new List<RoomEntry>();
        for (int i = 0; i < 200; i++)
        {
            var entry = log.Append(Say(i % 2 == 0 ? "#even" : "#odd", $"m{i}"), out bool committed);
            appended.Add(entry);
            if (committed) order.Enqueue(entry);
        }
        var deadline = DateTime.UtcNow + CommitTimeout;
        while (order.Count < appended.Count && DateTime.UtcNow < deadline) Thread.Sleep(1);

        Assert.Equal(appended.Count, order.Count);
        foreach (var room in new[] { "#even", "#odd" })
        {
            Assert.Equal(Enumerable.Range(1, 100).Select(i => (ulong)i), order.Where(entry => entry.Room == room).Select(entry => entry.Seq));
        }
    }

    public void Dispose()
    {
        foreach (var log in _opened) log.Dispose();
        Closed();
        Assert.Empty(_twice);
        GC.SuppressFinalize(this);
    }

    /// <summary>Called after every log opened is disposed: release what the logs were built on.</summary>
    private protected virtual void Closed()
    {
    }
}
