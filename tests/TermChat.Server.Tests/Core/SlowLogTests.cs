using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.History;

namespace TermChat.Server.Tests.Core;

/// <summary>
/// The core over a log that commits later, as a disk-backed log does: an entry is shown only once committed, to each
/// member once, and its author always gets the echo that acknowledges it.
/// </summary>
public sealed class SlowLogTests
{
    private readonly DeferredLog _log = new();
    private readonly ChatCore _core;

    public SlowLogTests()
    {
        var options = new ServerOptions { FloodRate = 0 };
        _core = new ChatCore(options, new ServerStats(), _log, NullLogger.Instance);
    }

    [Fact]
    public void An_entry_reaches_nobody_until_it_is_committed_then_every_member_once()
    {
        var (ann, annSink) = Register("ann");
        var (_, bobSink) = Register("bob");
        _log.CommitAll();
        annSink.Entries.Clear();
        bobSink.Entries.Clear();

        _core.Say(ann, "#lobby", MessageKind.Say, "hello");
        Assert.Empty(annSink.Entries);
        Assert.Empty(bobSink.Entries);

        _log.CommitAll();
        Assert.Equal(["hello"], annSink.Entries.Select(e => e.Text));
        Assert.Equal(["hello"], bobSink.Entries.Select(e => e.Text));
    }

    [Fact]
    public void A_member_who_joins_between_append_and_commit_gets_the_entry_live_not_also_in_the_replay()
    {
        var (ann, _) = Register("ann");
        _core.Join(ann, "#dev");
        _log.CommitAll();
        _core.Say(ann, "#dev", MessageKind.Say, "in flight");

        var (bob, bobSink) = Register("bob");
        _core.Join(bob, "#dev");
        var joined = bobSink.Joined.Single(room => room.Room == "#dev");
        Assert.DoesNotContain(joined.History.Entries, entry => entry.Text == "in flight");
        _log.CommitAll();

        Assert.Single(bobSink.Entries, entry => entry.Text == "in flight");
        // What was shown in the replay and what came live never overlap, and live seqs follow the replay's last.
        Assert.All(bobSink.Entries.Where(e => e.Room == "#dev"), entry => Assert.True(entry.Seq > joined.History.LastSeq));
    }

    [Fact]
    public void An_author_who_leaves_before_the_commit_still_gets_the_echo_that_acknowledges_the_message()
    {
        var (ann, annSink) = Register("ann");
        _core.Join(ann, "#dev");
        _log.CommitAll();
        _core.Say(ann, "#dev", MessageKind.Say, "bye all");
        _core.Part(ann, "#dev", "leaving");

        _log.CommitAll();

        Assert.Single(annSink.Entries, entry => entry.Text == "bye all");
    }

    private (CoreSession Session, RecordingSink Sink) Register(string nick)
    {
        var sink = new RecordingSink();
        var registration = _core.Register(sink, nick, ResumeToken.None, []);
        return (registration.Session!, sink);
    }

    /// <summary>A memory log whose entries are committed only when the test says so.</summary>
    private sealed class DeferredLog : IRoomLog
    {
        private readonly MemoryRoomLog _store = new(new ServerOptions());
        private readonly List<RoomEntry> _pending = [];
        private readonly Dictionary<string, ulong> _committed = [];

        public Action<IReadOnlyList<RoomEntry>>? Committed { get; set; }

        public string? Refusal => null;

        public RoomEntry Append(RoomEntryDraft draft, out bool committed)
        {
            var entry = _store.Append(draft, out _);
            _pending.Add(entry);
            committed = false;
            return entry;
        }

        public void CommitAll()
        {
            var batch = _pending.ToList();
            _pending.Clear();
            foreach (var entry in batch) _committed[entry.Room] = entry.Seq;
            Committed?.Invoke(batch);
        }

        public ulong LastSeq(string room) => _committed.GetValueOrDefault(room);

        public RoomSlice Read(string room, ulong afterSeq, int maxEntries, long maxBytes)
        {
            ulong last = LastSeq(room);
            var entries = _store.Read(room, afterSeq, maxEntries, maxBytes).Entries.Where(entry => entry.Seq <= last).ToList();
            return new RoomSlice(entries, last);
        }

        // Only what is committed is found, as with a durable log.
        public void Search(string room, string words, int limit, Action<IReadOnlyList<RoomEntry>> found, Action<string> failed)
        {
            ulong last = LastSeq(room);
            _store.Search(room, words, limit, entries => found([.. entries.Where(entry => entry.Seq <= last)]), failed);
        }

        public string Topic(string room) => _store.Topic(room);

        public void SetTopic(string room, string topic) => _store.SetTopic(room, topic);

        public RoomAccess Access(string room) => _store.Access(room);

        public void SetAccess(string room, RoomAccess access) => _store.SetAccess(room, access);

        public void Release(string room)
        {
        }

        public void Dispose() => _store.Dispose();
    }

    /// <summary>Records the events a session gets.</summary>
    private sealed class RecordingSink : ISessionSink
    {
        public List<RoomEntry> Entries { get; } = [];

        public List<JoinedRoom> Joined { get; } = [];

        public void Welcome(string nick, ResumeToken token, bool resumed)
        {
        }

        void ISessionSink.Joined(JoinedRoom room) => Joined.Add(room);

        public int Entry(RoomEntry entry)
        {
            Entries.Add(entry);
            return entry.Size;
        }

        public void Parted(string room)
        {
        }

        public void NickChanged(string oldNick, string newNick)
        {
        }

        public void Private(PrivateLine line)
        {
        }

        public void Notice(string text)
        {
        }

        public void Error(ErrorCode code, string text) => throw new InvalidOperationException($"{code}: {text}");

        public void Members(string room, IReadOnlyList<Member> members)
        {
        }

        public void Rooms(IReadOnlyList<RoomInfo> rooms)
        {
        }

        public void SearchResults(string room, string words, IReadOnlyList<RoomEntry> found)
        {
        }

        public void Replaced(string reason)
        {
        }
    }
}
