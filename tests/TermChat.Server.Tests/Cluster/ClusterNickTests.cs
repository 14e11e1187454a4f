using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Server.Cluster;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Irc;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>
/// Issue 15: nicks are unique across the cluster (a JetStream key-value bucket, create-only and compare-and-set, keyed by
/// the nick's look-alike skeleton), and a session moves to another node by its resume token. Real nats-server, real
/// servers on port 0, one node per mode.
/// </summary>
public sealed class ClusterNickTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _nats;
    private readonly string _cluster = "n" + Guid.NewGuid().ToString("N")[..10];

    public ClusterNickTests(NatsServerFixture nats) => _nats = nats;

    [NatsFact]
    public async Task A_nick_and_its_look_alikes_are_refused_on_every_other_node_until_its_holder_quits()
    {
        await using var select = await NodeAsync(ServerMode.Select);
        await using var threads = await NodeAsync(ServerMode.Threads);
        await using var async = await NodeAsync(ServerMode.Async);
        await using var alice = await select.ConnectAsync("alice");

        var same = await Assert.ThrowsAsync<ServerErrorException>(() => threads.ConnectAsync("alice"));
        Assert.Equal(ErrorCode.NickInUse, same.Error.Code);
        Assert.Equal("The nick alice is in use on another server of the cluster; choose another.", same.Error.Text);
        // The same nick but for case; a capital I for the l (the same skeleton): the same key.
        var cased = await Assert.ThrowsAsync<ServerErrorException>(() => async.ConnectAsync("Alice"));
        Assert.Equal((ErrorCode.NickInUse, "The nick alice is in use on another server of the cluster; choose another."), (cased.Error.Code, cased.Error.Text));
        var lookAlike = await Assert.ThrowsAsync<ServerErrorException>(() => async.ConnectAsync("aIice"));
        Assert.Equal((ErrorCode.NickInUse, "The nick aIice looks like alice, which is in use on another server of the cluster; choose another."),
            (lookAlike.Error.Code, lookAlike.Error.Text));

        await alice.SendAsync(new Bye("done"));
        await alice.WaitClosedAsync();
        await using var again = await Eventually.ResultAsync(() => TryConnectAsync(async, "aIice"));
        Assert.Equal("aIice", again.Nick);
    }

    [NatsFact]
    public async Task Two_nodes_racing_for_one_nick_give_it_to_exactly_one()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var b = await NodeAsync(ServerMode.Async);
        var tries = Enumerable.Range(0, 6).Select(i => TryConnectAsync(i % 2 == 0 ? a : b, "racer")).ToList();
        var winners = (await Task.WhenAll(tries)).Where(client => client is not null).ToList();
        Assert.Single(winners);
        foreach (var winner in winners) await winner!.DisposeAsync();
    }

    [NatsFact]
    public async Task A_nick_change_claims_the_new_nick_cluster_wide_and_frees_the_old_one()
    {
        await using var a = await NodeAsync(ServerMode.Threads);
        await using var b = await NodeAsync(ServerMode.Select);
        await using var ann = await a.ConnectAsync("ann");
        await using var bob = await b.ConnectAsync("bob");

        await bob.SendAsync(new ChangeNick("ANN"));
        var refused = (Error)await bob.ExpectAsync(m => m is Error);
        Assert.Equal(ErrorCode.NickInUse, refused.Code);

        await bob.SendAsync(new ChangeNick("carol"));
        await bob.ExpectAsync(m => m is NickChanged { NewNick: "carol" });
        // A change of case keeps the claim: same skeleton.
        await bob.SendAsync(new ChangeNick("Carol"));
        await bob.ExpectAsync(m => m is NickChanged { NewNick: "Carol" });
        await using var newBob = await Eventually.ResultAsync(() => TryConnectAsync(a, "bob"));
        var taken = await Assert.ThrowsAsync<ServerErrorException>(() => a.ConnectAsync("carol"));
        Assert.Equal(ErrorCode.NickInUse, taken.Error.Code);
    }

    [NatsFact]
    public async Task Irc_and_line_mode_registrations_wait_for_the_cluster_and_are_refused_a_nick_held_on_another_node()
    {
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Select, options =>
        {
            options.IrcPort = 0;
            options.LinePort = 0;
        });
        await using var ann = await a.ConnectAsync("ann");

        using var irc = await IrcPeer.ConnectAsync(b.IrcEndPoint);
        await irc.SendAsync("NICK ann\r\nUSER ann 0 * :Ann\r\n");
        var inUse = await irc.ExpectAsync(line => IrcPeer.Numeric(line) is "433" or "001");
        Assert.Equal("433", IrcPeer.Numeric(inUse));
        await irc.SendAsync("NICK ann_\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "001");

        using var line = await IrcPeer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, b.Server.LineEndPoint!.Port));
        Assert.Equal("TermChat on test (line mode). Your nick?", await line.ReadLineAsync());
        await line.SendAsync("ann\ndan\n");
        Assert.Equal("!!! The nick ann is in use on another server of the cluster; choose another. Your nick?", await line.ReadLineAsync());
        Assert.StartsWith("-!- welcome to test, you are dan.", await line.ReadLineAsync());
        var dan = await Assert.ThrowsAsync<ServerErrorException>(() => a.ConnectAsync("dan"));
        Assert.Equal(ErrorCode.NickInUse, dan.Error.Code);
    }

    [NatsFact]
    public async Task A_resume_on_another_node_takes_the_session_over_with_its_rooms_and_exact_catch_up()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var b = await NodeAsync(ServerMode.Threads);
        var ann = await a.ConnectAsync("ann");
        await ann.SendAsync(new JoinRoom("#red"));
        await ann.ExpectAsync(m => m is HistoryEnd { Room: "#red" });
        await using var bob = await b.ConnectAsync("bob");
        await bob.SendAsync(new JoinRoom("#red"));
        await bob.ExpectAsync(m => m is HistoryEnd { Room: "#red" });
        await bob.SendAsync(new SendMessage("#red", MessageKind.Say, "seen"));
        var seen = (RoomMessage)await ann.ExpectAsync(m => m is RoomMessage { Text: "seen" });
        var token = ann.Welcome!.Token;
        // The link drops without a goodbye: node a keeps the session for the resume window.
        ann.Socket.Close();
        await bob.SendAsync(new SendMessage("#red", MessageKind.Say, "missed 1"));
        await bob.SendAsync(new SendMessage("#red", MessageKind.Say, "missed 2"));
        await bob.ExpectAsync(m => m is RoomMessage { Text: "missed 2" });

        await using var moved = await b.ConnectAsync("ann", token, [new RoomCursor("#red", seen.Seq), new RoomCursor("#lobby", ulong.MaxValue)]);
        Assert.True(moved.Welcome!.Resumed);
        var replay = await moved.CollectUntilAsync(m => m is HistoryEnd { Room: "#red" });
        Assert.Equal(["missed 1", "missed 2"], replay.OfType<RoomMessage>().Where(m => m.Room == "#red").Select(m => m.Text));
        // Node a let the session go without a Quit: the room never lost ann.
        await Eventually.TrueAsync(() => a.Server.Core.SessionCount == 0);
        await bob.SendAsync(new SendMessage("#red", MessageKind.Say, "after"));
        var after = await bob.CollectUntilAsync(m => m is RoomMessage { Text: "after" });
        Assert.DoesNotContain(after, m => m is RoomEvent { Kind: RoomEventKind.Quit or RoomEventKind.Join, Nick: "ann" });
        await moved.ExpectAsync(m => m is RoomMessage { Text: "after" });

        // The token is the session's only: a second take-over moves it again, and the first connection is closed.
        await using var again = await a.ConnectAsync("ann", token);
        Assert.True(again.Welcome!.Resumed);
        await moved.WaitClosedAsync();
        Assert.Equal(1, a.Server.Core.SessionCount);
        await Eventually.TrueAsync(() => b.Server.Core.OnlineCount == 1);
    }

    [NatsFact]
    public async Task Member_lists_show_the_members_on_every_node_with_their_away_texts()
    {
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Threads);
        await using var ann = await a.ConnectAsync("ann");
        await ann.SendAsync(new SetAway("lunch"));
        await ann.SendAsync(new JoinRoom("#red"));
        await ann.ExpectAsync(m => m is HistoryEnd { Room: "#red" });
        await using var bob = await b.ConnectAsync("bob");
        await bob.SendAsync(new JoinRoom("#red"));
        await bob.ExpectAsync(m => m is HistoryEnd { Room: "#red" });

        // The other node learns of ann's rooms through the cluster's sessions, a moment after her join.
        await MembersAsync(bob, "#red", [new Member("ann", "lunch"), new Member("bob", "")]);
        await using var cat = await b.ConnectAsync("cat");
        await cat.SendAsync(new JoinRoom("#red"));
        var joined = (RoomJoined)await cat.ExpectAsync(m => m is RoomJoined { Room: "#red" });
        Assert.Equal(["ann", "bob", "cat"], joined.Members.Select(m => m.Nick));

        await ann.SendAsync(new PartRoom("#red", "bye"));
        await MembersAsync(bob, "#red", [new Member("bob", ""), new Member("cat", "")]);
        await MembersAsync(ann, "#lobby", [new Member("ann", "lunch"), new Member("bob", ""), new Member("cat", "")]);
    }

    [NatsFact]
    public async Task Frames_sent_right_behind_the_hello_wait_for_the_claim_and_are_handled_after_it_in_order()
    {
        await using var node = await NodeAsync(ServerMode.Select);
        await using var raw = await TestChatClient.ConnectRawAsync(node.EndPoint);
        await raw.SendManyAsync([new Hello(ProtocolLimits.Version, "eve", ResumeToken.None, []), new JoinRoom("#red"), new SendMessage("#red", MessageKind.Say, "hi")]);

        var frames = await raw.CollectUntilAsync(m => m is RoomMessage { Text: "hi" });
        Assert.IsType<Welcome>(frames[0]);
        int lobby = frames.FindIndex(m => m is HistoryEnd { Room: "#lobby" });
        int red = frames.FindIndex(m => m is HistoryEnd { Room: "#red" });
        Assert.True(lobby > 0 && red > lobby, "the #lobby join sequence, then #red's");
        Assert.DoesNotContain(frames, m => m is Error);
    }

    [NatsFact]
    public async Task A_registration_while_the_cluster_is_unreachable_is_refused_with_the_clear_reason()
    {
        using var nats = NatsServerProcess.StartNew();
        await using var node = await TestServer.StartAsync(ServerMode.Async, options =>
            options.Cluster = new ClusterOptions { Urls = [nats.Url], Name = _cluster });
        nats.Stop();
        await Eventually.TrueAsync(() => !node.Server.Stats.ToEntries().Any(e => e.Name == "cluster_connected" && e.Value == 1));

        var refused = await Assert.ThrowsAsync<ServerErrorException>(() => node.ConnectAsync("ann"));
        Assert.Equal(ErrorCode.StorageUnavailable, refused.Error.Code);
        Assert.Equal(ClusterNicks.UnavailableRefusal, refused.Error.Text);
    }

    /// <summary>Asks for the room's members until they are <paramref name="expected"/> (another node's change arrives a moment later).</summary>
    private static async Task MembersAsync(TestChatClient client, string room, Member[] expected)
    {
        await Eventually.ResultAsync(async () =>
        {
            await client.SendAsync(new ListMembers(room));
            var list = (MemberList)await client.ExpectAsync(m => m is MemberList listed && listed.Room == room);
            return list.Members.SequenceEqual(expected) ? list : null;
        });
    }

    private Task<TestServer> NodeAsync(ServerMode mode, Action<ServerOptions>? configure = null) => _nats.NodeAsync(_cluster, mode, configure);

    private static async Task<TestChatClient?> TryConnectAsync(TestServer server, string nick)
    {
        try
        {
            return await server.ConnectAsync(nick);
        }
        catch (ServerErrorException e) when (e.Error.Code == ErrorCode.NickInUse)
        {
            return null;
        }
    }
}
