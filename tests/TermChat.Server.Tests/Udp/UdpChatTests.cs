using System.Net;
using System.Net.Sockets;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Datagrams;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Udp;

/// <summary>The chat over UDP through the real server, in every mode, through a seeded lossy relay on loopback.</summary>
public sealed class UdpChatTests
{
    // 30% loss, 10% duplication, 10% reordering, small delays so the test stays fast on loopback.
    private static readonly LinkConditions Hostile = new(Loss: 0.30, Duplicate: 0.10, Reorder: 0.10, DelayMs: 1, JitterMs: 2, ReorderDelayMs: 6);

    private static Task<TestServer> StartAsync(ServerMode mode, DatagramOptions? datagramOptions = null, Action<ServerOptions>? configure = null) =>
        TestServer.StartAsync(mode, o =>
        {
            o.FloodRate = 0;
            o.ServeUdp = true;
            o.Datagrams = datagramOptions ?? DatagramOptions.Default;
            configure?.Invoke(o);
        });

    private static IPEndPoint UdpEndPoint(TestServer server) => new(IPAddress.Loopback, server.Server.UdpEndPoint!.Port);

    private static ChatEndpoint Via(LossyUdpRelay relay) => new("127.0.0.1", relay.Endpoint.Port);

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_thousand_messages_each_way_between_two_udp_clients_arrive_exactly_once_and_in_order_through_a_hostile_link(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), Hostile, seed: (int)mode + 1);
        await using var alice = await UdpTestClient.ConnectAsync(Via(relay), "alice");
        await using var bob = await UdpTestClient.ConnectAsync(Via(relay), "bob");
        await alice.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "bob", Replay: false });
        const int Count = 1000;

        var atBob = bob.CollectTextsAsync("alice", Count, TimeSpan.FromMinutes(2));
        var atAlice = alice.CollectTextsAsync("bob", Count, TimeSpan.FromMinutes(2));
        await Task.WhenAll(
            Task.Run(async () => { for (int i = 0; i < Count; i++) await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, $"a{i}")); }),
            Task.Run(async () => { for (int i = 0; i < Count; i++) await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, $"b{i}")); }));

        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"a{i}"), await atBob);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"b{i}"), await atAlice);
        var stats = alice.Transport.DatagramStats!.Value;
        Assert.True(stats.Retransmits > 0 && stats.DuplicatesDropped > 0, stats.ToString());
        Assert.True(relay.Counts.Dropped > 0);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Udp_and_tcp_users_chat_together_and_messages_larger_than_a_datagram_survive(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), Hostile, seed: 40 + (int)mode);
        await using var udp = await UdpTestClient.ConnectAsync(Via(relay), "udpuser");
        await using var tcp = await server.ConnectAsync("tcpuser");
        await udp.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "tcpuser", Replay: false });
        // Up to the largest chat text: a frame of about 8 KiB, seven datagrams.
        var texts = Enumerable.Range(0, 40).Select(i => new string((char)('a' + i % 26), 100 + i * 200 % ProtocolLimits.MaxTextBytes)).ToList();

        var atUdp = udp.CollectTextsAsync("tcpuser", texts.Count, TimeSpan.FromMinutes(2));
        foreach (var text in texts)
        {
            await udp.SendAsync(new SendMessage("#lobby", MessageKind.Say, text));
            await tcp.SendAsync(new SendMessage("#lobby", MessageKind.Say, text));
        }
        var atTcp = new List<string>();
        while (atTcp.Count < texts.Count)
        {
            var message = await tcp.ReceiveAsync<RoomMessage>(TimeSpan.FromMinutes(2));
            if (message.From == "udpuser")
            {
                atTcp.Add(message.Text);
            }
        }

        Assert.Equal(texts, atTcp);
        Assert.Equal(texts, await atUdp);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task The_server_frees_a_vanished_udp_client_within_the_dead_peer_bound(ServerMode mode)
    {
        var fast = DatagramOptions.Default with { KeepaliveIntervalMs = 500, DeadPeerTimeoutMs = 2000 };
        // Without a resume window the hub ends the session at once, so the room sees the Quit.
        await using var server = await StartAsync(mode, fast, o => o.ResumeWindow = TimeSpan.Zero);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), LinkConditions.Perfect with { DelayMs = 0 });
        await using var watcher = await server.ConnectAsync("watcher");
        var ghost = await UdpTestClient.ConnectAsync(Via(relay), "ghost");
        await watcher.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "ghost" });
        var started = System.Diagnostics.Stopwatch.StartNew();

        relay.SetConditions(new LinkConditions(Loss: 1));
        await watcher.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "ghost" }, TimeSpan.FromSeconds(30));

        // Bound: keepalive interval + dead-peer timeout (plus scheduling slack on a busy machine). The dead-peer clock
        // runs from the last acknowledgement, up to a keepalive interval (plus scheduling) before the cut: the lower
        // bound leaves a second interval for that slack (1,428 ms was seen against a bound of 1,500).
        Assert.InRange(started.ElapsedMilliseconds, fast.DeadPeerTimeoutMs - 2 * fast.KeepaliveIntervalMs, fast.KeepaliveIntervalMs + fast.DeadPeerTimeoutMs + 5000);
        Assert.Equal(1, server.Server.Stats.Disconnects(DisconnectReason.IdleTimeout));
        await ghost.DisposeAsync();
    }

    [Fact]
    public async Task A_udp_client_reports_a_vanished_server_as_a_failed_link_within_the_bound()
    {
        var fast = DatagramOptions.Default with { KeepaliveIntervalMs = 500, DeadPeerTimeoutMs = 2000 };
        await using var server = await StartAsync(ServerMode.Async);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), LinkConditions.Perfect with { DelayMs = 0 });
        await using var client = await UdpTestClient.ConnectAsync(Via(relay), "lonely", new UdpTransportOptions { Datagrams = fast });
        var started = System.Diagnostics.Stopwatch.StartNew();

        relay.SetConditions(new LinkConditions(Loss: 1));
        var failure = await client.Ended.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var link = Assert.IsType<ChatLinkException>(failure);
        Assert.Contains("stopped answering", link.Message, StringComparison.Ordinal);
        Assert.InRange(started.ElapsedMilliseconds, fast.DeadPeerTimeoutMs - fast.KeepaliveIntervalMs, fast.KeepaliveIntervalMs + fast.DeadPeerTimeoutMs + 5000);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_udp_client_resumes_its_session_with_token_and_cursors_through_the_normal_hello(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), Hostile, seed: 9);
        await using var talker = await server.ConnectAsync("talker");
        var first = await UdpTestClient.ConnectAsync(Via(relay), "wanderer");
        var joined = await first.ReceiveAsync<RoomJoined>();
        await talker.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "wanderer" });
        await talker.SendAsync(new SendMessage("#lobby", MessageKind.Say, "before"));
        var before = (RoomMessage)await first.ExpectAsync(m => m is RoomMessage { Text: "before" });
        // The link drops without a Bye; meanwhile the room moves on.
        await first.Transport.DisposeAsync();
        await talker.SendAsync(new SendMessage("#lobby", MessageKind.Say, "while away"));
        await talker.BarrierAsync();

        await using var second = await UdpTestClient.ConnectAsync(Via(relay), "wanderer", token: first.Welcome.Token,
            cursors: [new RoomCursor(joined.Room, before.Seq)]);

        Assert.True(second.Welcome.Resumed);
        Assert.Equal("wanderer", second.Welcome.Nick);
        var replayed = (RoomMessage)await second.ExpectAsync(m => m is RoomMessage { Text: "while away" });
        Assert.True(replayed.Replay);
        await first.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task The_servers_stats_carry_udp_rtt_loss_and_retransmits(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), Hostile, seed: 5);
        await using var client = await UdpTestClient.ConnectAsync(Via(relay), "curious");
        for (int i = 0; i < 200; i++)
        {
            await client.SendAsync(new SendMessage("#lobby", MessageKind.Say, $"m{i}"));
        }
        await client.CollectTextsAsync("curious", 200, TimeSpan.FromMinutes(1));

        await client.SendAsync(new GetStats());
        var stats = await client.ReceiveAsync<Stats>();

        var entries = stats.Entries.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(1, entries["udp_sessions"]);
        Assert.True(entries["udp_retransmits_total"] > 0);
        Assert.True(entries["udp_packets_lost_total"] > 0);
        Assert.True(entries.ContainsKey("udp_srtt_avg_ms") && entries.ContainsKey("udp_loss_avg_pct"));
        Assert.True(entries["connections"] >= 1);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Stopping_the_server_ends_udp_links_at_once_and_in_order(ServerMode mode)
    {
        var server = await StartAsync(mode);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), LinkConditions.Perfect with { DelayMs = 1 });
        await using var client = await UdpTestClient.ConnectAsync(Via(relay), "stayer");
        await client.ReceiveAsync<HistoryEnd>();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        await server.DisposeAsync();

        // The link ends with the server's Close (an orderly end), not after the 15 s dead-peer timeout. The
        // "server shutting down" notice goes out first, but the Close may overtake it when the drain is cut short.
        Assert.Null(await client.Ended.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"the client learnt of the shutdown after {stopwatch.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task The_shutdown_notice_reaches_a_udp_client_even_when_its_first_copy_is_lost(ServerMode mode)
    {
        var server = await StartAsync(mode);
        await using var relay = new LossyUdpRelay(UdpEndPoint(server), LinkConditions.Perfect with { DelayMs = 1 });
        await using var client = await UdpTestClient.ConnectAsync(Via(relay), "stayer");
        await client.ReceiveAsync<HistoryEnd>();
        relay.DropNext(toServer: false, count: 1);

        await server.DisposeAsync();

        // The drain must resend the notice (in select mode too, where the draining thread is the one that owns
        // the socket) before the Close ends the session.
        var notice = await client.ReceiveAsync<Error>(TimeSpan.FromSeconds(30));
        Assert.Equal(ErrorCode.ServerShutdown, notice.Code);
        Assert.Equal(1, relay.Counts.Dropped);
    }
}
