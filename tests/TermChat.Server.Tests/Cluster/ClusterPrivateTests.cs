using System.Globalization;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Server.Cluster;
using TermChat.Server.Core;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Irc;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>
/// Issue 15: private messages, WHOIS/ISON and the room list reach users on any node of the cluster, and a private
/// message that cannot be delivered (its recipient left, or their node is gone) is told to its sender. Real
/// nats-server, real servers on port 0; where a node must misbehave, the test plays that node on the cluster itself.
/// </summary>
public sealed class ClusterPrivateTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _nats;
    private readonly string _cluster = "p" + Guid.NewGuid().ToString("N")[..10];

    public ClusterPrivateTests(NatsServerFixture nats) => _nats = nats;

    [NatsFact]
    public async Task Private_messages_reach_a_user_on_another_node_both_ways_with_the_echo_and_the_nick_as_its_owner_spells_it()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var b = await NodeAsync(ServerMode.Threads);
        await using var ann = await a.ConnectAsync("Ann");
        await using var bob = await b.ConnectAsync("bob");

        // Sent to "BOB": another node learns of a session a cluster round trip after its Welcome.
        var echo = await PrivateAsync(ann, "BOB", "hello from a");
        Assert.Equal(("Ann", "bob"), (echo.From, echo.To));
        var got = (PrivateMessage)await bob.ExpectAsync(m => m is PrivateMessage);
        Assert.Equal(("Ann", "bob", "hello from a", echo.TimeMs), (got.From, got.To, got.Text, got.TimeMs));

        var back = await PrivateAsync(bob, "ann", "hello from b");
        Assert.Equal(("bob", "Ann"), (back.From, back.To));
        var gotBack = (PrivateMessage)await ann.ExpectAsync(m => m is PrivateMessage { From: "bob" });
        Assert.Equal(("bob", "Ann", "hello from b"), (gotBack.From, gotBack.To, gotBack.Text));

        // In order, and nothing else: no notice of a failed delivery (flood control may delay them, and says so).
        for (int i = 0; i < 20; i++) await ann.SendAsync(new SendPrivate("bob", "n" + i.ToString(CultureInfo.InvariantCulture)));
        var burst = await bob.CollectUntilAsync(m => m is PrivateMessage { Text: "n19" });
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "n" + i.ToString(CultureInfo.InvariantCulture)), burst.OfType<PrivateMessage>().Select(m => m.Text));
        var echoes = await ann.CollectUntilAsync(m => m is PrivateMessage { Text: "n19" });
        Assert.DoesNotContain(echoes, m => m is Error { Code: not ErrorCode.Flood } or Notice);

        // The empty text is refused as on one node, before anything is sent.
        await ann.SendAsync(new SendPrivate("bob", ""));
        Assert.Equal(ErrorCode.NotAllowed, ((Error)await ann.ExpectAsync(m => m is Error)).Code);
        await ann.SendAsync(new SendPrivate("nobody", "x"));
        Assert.Equal(new Error(ErrorCode.NoSuchNick, "Nobody is using the nick nobody."), await ann.ExpectAsync(m => m is Error));
    }

    [NatsFact]
    public async Task Irc_users_whois_ison_and_message_a_user_on_another_node_and_the_room_list_counts_every_node()
    {
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Select, options => options.IrcPort = 0);
        await using var ann = await a.ConnectAsync("ann");
        await ann.SendAsync(new SetAway("lunch"));
        await ann.SendAsync(new JoinRoom("#red"));
        await ann.ExpectAsync(m => m is HistoryEnd { Room: "#red" });

        using var irc = await IrcPeer.RegisterAsync(b.IrcEndPoint, "ircbob");
        // WHOIS answers once node b has followed ann's session with its rooms and away text.
        var whois = await Eventually.ResultAsync(async () =>
        {
            await irc.SendAsync("WHOIS ann\r\n");
            var lines = new List<string>();
            while (IrcPeer.Numeric(lines.LastOrDefault() ?? "") != "318") lines.Add(await irc.ExpectAsync(_ => true));
            return lines.Any(line => IrcPeer.Numeric(line) == "301") && lines.Any(line => line.Contains("#red")) ? lines : null;
        });
        Assert.Contains(whois, line => IrcPeer.Numeric(line) == "311" && line.Contains(" ann ann "));
        Assert.Contains(whois, line => IrcPeer.Numeric(line) == "319" && line.EndsWith(":#lobby #red"));
        Assert.Contains(whois, line => IrcPeer.Numeric(line) == "301" && line.EndsWith(":lunch"));
        Assert.DoesNotContain(whois, line => IrcPeer.Numeric(line) == "401");

        await irc.SendAsync("ISON ann nobody\r\n");
        Assert.EndsWith(" :ann", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "303"));

        await irc.SendAsync("PRIVMSG ANN :hi from irc\r\nNOTICE ann :a notice\r\n");
        var pm = (PrivateMessage)await ann.ExpectAsync(m => m is PrivateMessage);
        Assert.Equal(("ircbob", "ann", "hi from irc"), (pm.From, pm.To, pm.Text));
        Assert.Equal("a notice", ((PrivateMessage)await ann.ExpectAsync(m => m is PrivateMessage)).Text);
        await ann.SendAsync(new SendPrivate("ircbob", "hi back"));
        Assert.EndsWith(" PRIVMSG ircbob :hi back", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "PRIVMSG"));

        // #red has nobody on node b, but one member on node a; the lobby has one on each.
        await using var cat = await b.ConnectAsync("cat");
        var rooms = await Eventually.ResultAsync(async () =>
        {
            await cat.SendAsync(new ListRooms());
            var list = (RoomList)await cat.ExpectAsync(m => m is RoomList);
            return list.Rooms.Any(room => room.Name == "#red") ? list : null;
        });
        Assert.Equal([("#lobby", 3u), ("#red", 1u)], rooms.Rooms.Select(room => (room.Name, room.Members)));
        await cat.SendAsync(new ListMembers("#red"));
        Assert.Equal([new Member("ann", "lunch")], ((MemberList)await cat.ExpectAsync(m => m is MemberList)).Members);
    }

    [NatsFact]
    public async Task A_message_to_a_nick_that_just_left_another_node_is_refused_or_told_as_not_delivered_never_lost_silently()
    {
        await using var a = await NodeAsync(ServerMode.Threads);
        await using var b = await NodeAsync(ServerMode.Async);
        await using var ann = await a.ConnectAsync("ann");
        var bob = await b.ConnectAsync("bob");
        await PrivateAsync(ann, "bob", "still there?");
        await bob.ExpectAsync(m => m is PrivateMessage);

        await bob.SendAsync(new Bye("gone"));
        await bob.WaitClosedAsync();
        await Eventually.TrueAsync(() => b.Server.Core.OnlineCount == 0);
        // Node a may not have heard yet that bob left: then the echo comes, and the notice that it was not delivered.
        await ann.SendAsync(new SendPrivate("bob", "too late"));
        var answer = await ann.ExpectAsync(m => m is Error or Notice);
        if (answer is Error error)
        {
            Assert.Equal(new Error(ErrorCode.NoSuchNick, "Nobody is using the nick bob."), error);
        }
        else
        {
            Assert.Equal("bob left before your message arrived: it was not delivered.", ((Notice)answer).Text);
        }
        await Eventually.ResultAsync(async () =>
        {
            await ann.SendAsync(new SendPrivate("bob", "later"));
            return await ann.ExpectAsync(m => m is Error or Notice) as Error;
        });
    }

    [NatsFact]
    public async Task A_private_message_reaches_a_user_who_resumed_on_a_third_node()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var b = await NodeAsync(ServerMode.Async);
        await using var c = await NodeAsync(ServerMode.Threads);
        await using var ann = await a.ConnectAsync("ann");
        var bob = await b.ConnectAsync("bob");
        await PrivateAsync(ann, "bob", "on b");
        await bob.ExpectAsync(m => m is PrivateMessage { Text: "on b" });

        // bob's link drops and he resumes on node c: node b lets the session go, node a may still think it is on b.
        var token = bob.Welcome!.Token;
        bob.Socket.Close();
        await using var moved = await c.ConnectAsync("bob", token);
        Assert.True(moved.Welcome!.Resumed);
        await Eventually.TrueAsync(() => b.Server.Core.SessionCount == 0);
        await ann.SendAsync(new SendPrivate("bob", "on c"));
        var got = (PrivateMessage)await moved.ExpectAsync(m => m is PrivateMessage);
        Assert.Equal(("ann", "bob", "on c"), (got.From, got.To, got.Text));
        await ann.SendAsync(new SendPrivate("ann", "barrier"));
        var seen = await ann.CollectUntilAsync(m => m is PrivateMessage { Text: "barrier" });
        Assert.DoesNotContain(seen, m => m is Error or Notice);
        await bob.DisposeAsync();
    }

    [NatsFact]
    public async Task A_node_that_no_longer_holds_the_recipient_is_answered_as_a_delivery_that_failed_and_the_sender_is_told()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var nats = await ConnectNatsAsync();
        // The test plays node "ghostnode", which the cluster says holds "ghost" but which answers that nobody has it.
        string node = "ghostnode";
        await using var inbox = await nats.SubscribeCoreAsync<byte[]>($"termchat.{_cluster}.pm.{node}");
        await PutClaimAsync(nats, node, "ghost");
        await using var ann = await a.ConnectAsync("ann");

        var echo = await PrivateAsync(ann, "Ghost", "boo");
        Assert.Equal("ghost", echo.To);
        var sent = await inbox.Msgs.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        using (var json = JsonDocument.Parse(sent.Data))
        {
            var root = json.RootElement;
            Assert.Equal(("ann", "ghost", "boo", echo.TimeMs),
                (root.GetProperty("from").GetString(), root.GetProperty("to").GetString(), root.GetProperty("text").GetString(), root.GetProperty("time_ms").GetInt64()));
        }
        await nats.PublishAsync(sent.ReplyTo!, Array.Empty<byte>());
        var told = (Notice)await ann.ExpectAsync(m => m is Notice);
        Assert.Equal("ghost left before your message arrived: it was not delivered.", told.Text);

        // The node answers that ghost's connection dropped (the session waits for a resume there).
        await ann.SendAsync(new SendPrivate("ghost", "boo again"));
        sent = await inbox.Msgs.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await nats.PublishAsync(sent.ReplyTo!, "detached"u8.ToArray());
        told = (Notice)await ann.ExpectAsync(m => m is Notice);
        Assert.Equal("ghost's connection dropped before your message arrived (ghost may be back in a moment): it was not delivered.", told.Text);

        // The node's own subject, as another node uses it: a malformed message is answered as not delivered (an empty
        // answer), and the node goes on.
        var reply = await nats.RequestAsync<byte[], byte[]>($"termchat.{_cluster}.pm.{ClusterNodeId(a)}", Encoding.UTF8.GetBytes("{not json"));
        Assert.True(reply.Data is null or { Length: 0 });
        reply = await nats.RequestAsync<byte[], byte[]>($"termchat.{_cluster}.pm.{ClusterNodeId(a)}",
            Encoding.UTF8.GetBytes("""{"from":"ghost","to":"ANN","time_ms":5,"text":"from a node"}"""));
        Assert.Equal("delivered", Encoding.UTF8.GetString(reply.Data!));
        var arrived = (PrivateMessage)await ann.ExpectAsync(m => m is PrivateMessage { From: "ghost" });
        Assert.Equal(("ghost", "ann", 5L, "from a node"), (arrived.From, arrived.To, arrived.TimeMs, arrived.Text));
    }

    [NatsFact]
    public async Task A_message_to_a_user_whose_node_is_gone_is_told_as_not_delivered()
    {
        await using var a = await NodeAsync(ServerMode.Async);
        await using var nats = await ConnectNatsAsync();
        // The cluster still has the session of a node that died (its resume window has not passed); nobody listens for it.
        await PutClaimAsync(nats, "deadnode", "dora");
        await using var ann = await a.ConnectAsync("ann");

        var echo = await PrivateAsync(ann, "dora", "are you there?");
        Assert.Equal("dora", echo.To);
        var told = (Notice)await ann.ExpectAsync(m => m is Notice);
        Assert.Equal("The server dora is on is not answering (it may have gone down, and dora may come back on another server): your message to dora was not delivered.",
            told.Text);
    }

    /// <summary>Sends a private message until the sender's node knows the recipient (a moment after they registered elsewhere); returns the echo.</summary>
    private static Task<PrivateMessage> PrivateAsync(TestChatClient sender, string to, string text) =>
        Eventually.ResultAsync(async () =>
        {
            await sender.SendAsync(new SendPrivate(to, text));
            var answer = await sender.ExpectAsync(m => m is PrivateMessage { Text: var t } && t == text || m is Error { Code: ErrorCode.NoSuchNick });
            return answer as PrivateMessage;
        });

    /// <summary>Writes into the cluster's nicks bucket a session of <paramref name="nick"/> held by <paramref name="node"/>, which beats with a long window.</summary>
    private async Task PutClaimAsync(NatsConnection nats, string node, string nick)
    {
        var kv = new NatsKVContext(new NatsJSContext(nats));
        // The node under test created the buckets.
        var nodes = await kv.GetStoreAsync($"TERMCHAT_{_cluster}_NODES");
        await nodes.PutAsync(node, Encoding.UTF8.GetBytes("600000"));
        var nicks = await kv.GetStoreAsync($"TERMCHAT_{_cluster}_NICKS");
        await nicks.PutAsync(ClusterNicks.KeyOf(nick), new ClaimValue(node, new SessionRecord("ab", nick, "", ["#lobby"], null)).ToBytes());
    }

    private async Task<NatsConnection> ConnectNatsAsync()
    {
        var nats = new NatsConnection(NatsOpts.Default with { Url = _nats.Server.Url });
        await nats.ConnectAsync();
        return nats;
    }

    private static string ClusterNodeId(TestServer node) => node.Server.ClusterNodeId!;

    private Task<TestServer> NodeAsync(ServerMode mode, Action<ServerOptions>? configure = null) => _nats.NodeAsync(_cluster, mode, configure);
}
