using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Protocol;
using TermChat.Server.Cluster;
using TermChat.Server.History;
using TermChat.Server.Tests.Cluster;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.History;

/// <summary>
/// The cluster's room log against the shared contract, on a real nats-server, plus what only a shared log does:
/// several nodes sequencing one room, a node joining late, the engine going away.
/// </summary>
[NeedsNatsServer]
public sealed class JetStreamRoomLogTests(NatsServerFixture nats) : RoomLogContract, IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly List<ClusterLink> _links = [];
    private readonly List<ClusterRules> _rules = [];
    private readonly List<IRoomLog> _nodes = [];
    private readonly List<NatsServerProcess> _servers = [];
    private string _cluster = NewClusterName();

    private protected override IRoomLog CreateLog(int historySize, long historyBytes)
    {
        _cluster = NewClusterName();
        return Connect(nats.Server, new ServerOptions { HistorySize = historySize, HistoryBytes = historyBytes });
    }

    private protected override void Closed()
    {
        foreach (var node in _nodes) node.Dispose();
        foreach (var rules in _rules) rules.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var link in _links) link.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var server in _servers) server.Dispose();
    }

    [NatsFact]
    public async Task Two_nodes_appending_to_one_room_at_once_agree_on_one_dense_order()
    {
        var one = OpenNode(nats.Server);
        var two = OpenNode(nats.Server);
        var seenByOne = Recorder(one);
        var seenByTwo = Recorder(two);
        var appended = new ConcurrentBag<RoomEntry>();

        await Task.WhenAll(
            Task.Run(() => { for (int i = 0; i < 150; i++) appended.Add(one.Append(Say("#shared", $"one {i}"), out _)); }),
            Task.Run(() => { for (int i = 0; i < 150; i++) appended.Add(two.Append(Say("#shared", $"two {i}"), out _)); }));

        await Eventually.TrueAsync(() => seenByOne.Count == 300 && seenByTwo.Count == 300);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (ulong)i), seenByOne.Select(entry => entry.Seq));
        Assert.Equal(seenByOne.Select(entry => (entry.Seq, entry.Text)), seenByTwo.Select(entry => (entry.Seq, entry.Text)));
        // Each node's own entries come back as the objects it appended (the core finds its authors' echoes by them),
        // with the seqs the cluster gave them.
        Assert.Equal(300, appended.Count(entry => seenByOne.Contains(entry) || seenByTwo.Contains(entry)));
        Assert.Equal(seenByOne.Select(entry => entry.Text).Order(), appended.Select(entry => entry.Text).Order());
        Assert.Equal(300UL, one.LastSeq("#shared"));
        Assert.Equal(300UL, two.LastSeq("#shared"));
    }

    [NatsFact]
    public async Task Publishes_sent_behind_one_another_keep_each_room_dense_and_in_order_while_other_rooms_are_stored_between_them()
    {
        // A node sends a room's next batch before the previous one's ack, expecting it right after that batch; other
        // rooms' messages (this node's and another's) landing between them make JetStream refuse it, and the entries
        // go again after the room's head.
        var one = OpenNode(nats.Server);
        var two = OpenNode(nats.Server);
        var seen = Recorder(one);
        string[] rooms = ["#a", "#b", "#c"];
        var writers = new[] { one, two, one };

        await Task.WhenAll(rooms.Select((room, r) => Task.Run(() =>
        {
            for (int i = 0; i < 300; i++) writers[r].Append(Say(room, $"{room} {i}"), out _);
        })));
        // Appended last by each writer, so seen last in each room: anything stored twice would come before it.
        for (int r = 0; r < rooms.Length; r++) writers[r].Append(Say(rooms[r], $"{rooms[r]} end"), out _);

        await Eventually.TrueAsync(() => Snapshot(seen).Count(entry => entry.Text.EndsWith(" end", StringComparison.Ordinal)) == 3);
        foreach (string room in rooms)
        {
            var entries = Snapshot(seen).Where(entry => entry.Room == room).ToList();
            Assert.Equal(Enumerable.Range(1, 301).Select(i => (ulong)i), entries.Select(entry => entry.Seq));
            Assert.Equal([.. Enumerable.Range(0, 300).Select(i => $"{room} {i}"), $"{room} end"], entries.Select(entry => entry.Text));
            await Eventually.TrueAsync(() => two.LastSeq(room) == 301);
        }
        await Eventually.TrueAsync(() => one.PendingCount == 0 && two.PendingCount == 0);
    }

    [NatsFact]
    public void A_node_that_joins_later_reads_the_cluster_s_history_topics_and_seqs_and_continues_above_them()
    {
        var first = OpenNode(nats.Server);
        for (int i = 1; i <= 5; i++) Append(first, Say("#keep", $"m{i}"));
        first.SetTopic("#keep", "the topic");
        Append(first, RoomEntryDraft.Event("#keep", 2, RoomEventKind.Topic, "ann", "the topic"));
        first.Release("#keep");

        var later = OpenNode(nats.Server);

        Assert.Equal(6UL, later.LastSeq("#keep"));
        Assert.Equal("the topic", later.Topic("#keep"));
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "the topic"], later.Read("#keep", 0, int.MaxValue, long.MaxValue).Entries.Select(e => e.Text));
        Assert.Equal(7UL, Append(later, Say("#keep", "after")).Seq);
    }

    [NatsFact]
    public void Entries_from_another_node_come_with_their_wire_frame_so_nobody_encodes_them_again()
    {
        var one = OpenNode(nats.Server);
        var two = OpenNode(nats.Server);
        var seen = Recorder(two);

        var said = Append(one, Say("#r", "hello"));
        Eventually.TrueAsync(() => seen.Count == 1).GetAwaiter().GetResult();

        Assert.NotSame(said, seen[0]);
        Assert.Equal(Wire.EntryFrames.Live(said), seen[0].WireFrame);
    }

    [NatsFact]
    public async Task While_the_engine_is_down_messages_are_refused_and_what_was_appended_is_stored_once_when_it_returns()
    {
        var server = NatsServerProcess.StartNew();
        _servers.Add(server);
        var log = OpenNode(server);
        var seen = Recorder(log);
        Append(log, Say("#r", "before"));
        Assert.Null(log.Refusal);

        server.Stop();
        await Eventually.TrueAsync(() => log.Refusal is not null);
        Assert.Equal("The cluster is unavailable: room messages are refused until this server reconnects to it.", log.Refusal);
        // A join or part is appended even now (the core refuses only messages); it waits for the engine.
        var waiting = log.Append(RoomEntryDraft.Event("#r", 3, RoomEventKind.Join, "bob", ""), out bool committed);
        Assert.False(committed);

        server.Start();
        await Eventually.TrueAsync(() => log.Refusal is null && seen.Count == 2);
        Assert.Same(waiting, seen[1]);
        Assert.Equal([1UL, 2UL], seen.Select(entry => entry.Seq));
        Assert.Equal(2, log.Read("#r", 0, int.MaxValue, long.MaxValue).Entries.Count);
    }

    /// <summary>Another node of the test's cluster, tracked like the contract's logs.</summary>
    private JetStreamRoomLog OpenNode(NatsServerProcess server)
    {
        var log = Connect(server, new ServerOptions());
        _nodes.Add(log);
        return (JetStreamRoomLog)Track(log);
    }

    private JetStreamRoomLog Connect(NatsServerProcess server, ServerOptions options)
    {
        var link = ClusterLink.ConnectAsync(new ClusterOptions { Urls = [server.Url], Name = _cluster }, CancellationToken.None)
            .WaitAsync(Timeout).GetAwaiter().GetResult();
        _links.Add(link);
        var rules = ClusterRules.OpenAsync(link, options, NullLogger.Instance, CancellationToken.None).WaitAsync(Timeout).GetAwaiter().GetResult();
        _rules.Add(rules);
        return JetStreamRoomLog.OpenAsync(link, rules, options, NullLogger.Instance, CancellationToken.None)
            .WaitAsync(Timeout).GetAwaiter().GetResult();
    }

    /// <summary>Everything <paramref name="log"/> reports committed, in order (after what the contract records).</summary>
    private static List<RoomEntry> Recorder(IRoomLog log)
    {
        var seen = new List<RoomEntry>();
        var inner = log.Committed;
        log.Committed = entries =>
        {
            lock (seen) seen.AddRange(entries);
            inner?.Invoke(entries);
        };
        return seen;
    }

    private static List<RoomEntry> Snapshot(List<RoomEntry> seen)
    {
        lock (seen) return [.. seen];
    }

    private static string NewClusterName() => "t" + Guid.NewGuid().ToString("N")[..12];
}
