using System.Net;
using System.Net.Sockets;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;
using TermChat.Server;
using TermChat.TestKit.Datagrams;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.Transports;

public sealed class UdpTransportTests
{
    // Flood control stays on: frames that arrived before the client closed must still reach the hub. Without a resume
    // window a closed link ends its session at once, so others see the Quit.
    private static Task<TestServer> StartServerAsync() =>
        TestServer.StartAsync(ServerMode.Async, o =>
        {
            o.ResumeWindow = TimeSpan.Zero;
            o.ServeUdp = true;
        });

    private static async Task<T> NextAsync<T>(IChatTransport transport) where T : Message
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var message in transport.Incoming.ReadAllAsync(timeout.Token))
        {
            if (message is T wanted)
            {
                return wanted;
            }
        }
        throw new InvalidOperationException($"The link ended before a {typeof(T).Name}.");
    }

    [Fact]
    public async Task Connecting_where_nothing_listens_fails_as_refused()
    {
        // Bind and release a port so that nothing listens on it.
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        await using var transport = new UdpTransport(new UdpTransportOptions { ConnectTimeout = TimeSpan.FromSeconds(10) });

        var error = await Assert.ThrowsAsync<ChatConnectException>(() => transport.ConnectAsync(new ChatEndpoint("127.0.0.1", port), CancellationToken.None));

        Assert.Equal(ConnectFailure.Refused, error.Failure);
        Assert.StartsWith($"cannot connect to 127.0.0.1:{port}: connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_to_a_peer_that_never_answers_times_out_with_the_configured_limit()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = new ChatEndpoint("127.0.0.1", ((IPEndPoint)silent.LocalEndPoint!).Port);
        await using var transport = new UdpTransport(new UdpTransportOptions { ConnectTimeout = TimeSpan.FromMilliseconds(700) });

        var error = await Assert.ThrowsAsync<ChatConnectException>(() => transport.ConnectAsync(endpoint, CancellationToken.None));

        Assert.Equal(ConnectFailure.TimedOut, error.Failure);
        Assert.Contains("timed out after 0.7 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connected_transport_speaks_the_protocol_and_exposes_rtt_and_loss()
    {
        await using var server = await StartServerAsync();
        await using var transport = new UdpTransport();
        Assert.Equal(new LinkStats(null, null), transport.Stats);

        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", server.Server.UdpEndPoint!.Port), CancellationToken.None);
        await transport.SendAsync(new Hello(ProtocolLimits.Version, "probe", ResumeToken.None, []), CancellationToken.None);
        var welcome = await NextAsync<Welcome>(transport);

        Assert.Equal("probe", welcome.Nick);
        Assert.Equal("UDP", transport.Name);
        var stats = transport.Stats;
        Assert.NotNull(stats.RttMs);
        Assert.InRange(stats.RttMs!.Value, 0, 1000);
        Assert.Equal(0, stats.LossPercent);
    }

    [Fact]
    public async Task A_send_on_a_link_whose_server_went_silent_says_why_the_link_ended()
    {
        await using var server = await StartServerAsync();
        await using var relay = new LossyUdpRelay(new IPEndPoint(IPAddress.Loopback, server.Server.UdpEndPoint!.Port), LinkConditions.Perfect);
        var options = new UdpTransportOptions { Datagrams = DatagramOptions.Default with { KeepaliveIntervalMs = 200, DeadPeerTimeoutMs = 2000 } };
        await using var transport = new UdpTransport(options);
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", relay.Endpoint.Port), CancellationToken.None);
        await transport.SendAsync(new Hello(ProtocolLimits.Version, "stranded", ResumeToken.None, []), CancellationToken.None);
        await NextAsync<Welcome>(transport);

        // The path to the server goes dead both ways: nothing is acknowledged any more, and the engine gives up.
        relay.SetConditions(new LinkConditions(Loss: 1));
        var heard = new List<Message>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ended = await Assert.ThrowsAsync<ChatLinkException>(async () =>
        {
            await foreach (var message in transport.Incoming.ReadAllAsync(timeout.Token))
            {
                heard.Add(message);
            }
            Assert.Fail($"The link ended without a failure after: {string.Join(", ", heard)}");
        });
        var error = await Assert.ThrowsAsync<ChatLinkException>(() => transport.SendAsync(new Ping(1), CancellationToken.None).AsTask());

        Assert.Equal("the server stopped answering (nothing acknowledged for 2 s)", ended.Message);
        Assert.Equal("the connection is closed: the server stopped answering (nothing acknowledged for 2 s)", error.Message);
    }

    [Fact]
    public async Task Closing_delivers_what_was_queued_before_the_link_ends()
    {
        await using var server = await StartServerAsync();
        await using var relay = new LossyUdpRelay(new IPEndPoint(IPAddress.Loopback, server.Server.UdpEndPoint!.Port), new LinkConditions(Loss: 0.2, DelayMs: 1), seed: 2);
        await using var watcher = await server.ConnectAsync("watcher");
        var transport = new UdpTransport();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", relay.Endpoint.Port), CancellationToken.None);
        await transport.SendAsync(new Hello(ProtocolLimits.Version, "leaver", ResumeToken.None, []), CancellationToken.None);
        await NextAsync<Welcome>(transport);
        for (int i = 0; i < 20; i++)
        {
            await transport.SendAsync(new SendMessage("#lobby", MessageKind.Say, $"last words {i}"), CancellationToken.None);
        }
        await transport.SendAsync(new Bye("done"), CancellationToken.None);

        await transport.CloseAsync(CancellationToken.None);

        for (int i = 0; i < 20; i++)
        {
            var message = await watcher.ExpectAsync(m => m is RoomMessage { From: "leaver" });
            Assert.Equal($"last words {i}", ((RoomMessage)message).Text);
        }
        await watcher.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "leaver" });
        await Assert.ThrowsAsync<ChatLinkException>(() => transport.SendAsync(new Ping(1), CancellationToken.None).AsTask());
        await transport.DisposeAsync();
    }
}
