using System.Net;
using TermChat.LoadGen.Scenarios;
using TermChat.LoadGen.Targets;
using TermChat.Server;
using TermChat.TestKit.Server;

namespace TermChat.LoadGen.Tests;

/// <summary>The TermChat target against the real server in every mode; counts only, never timings.</summary>
public class TermChatServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Task<TestServer> StartAsync(ServerMode mode) => TestServer.StartAsync(mode, options =>
    {
        options.FloodRate = 0;
        options.MaxPerIp = 1000;
    });

    // Over TLS one thread reads every subscriber through SslStream. A record left inside SslStream after a poll would
    // wait for another arrival on its socket; the last messages of the run have none, so they would count as lost.
    // At the end every client says Bye, as a user who quits does: dropped links would be held for a resume for a minute
    // and then end all at once, in the middle of a later run.
    [Theory]
    [InlineData(ServerMode.Async, false)]
    [InlineData(ServerMode.Select, false)]
    [InlineData(ServerMode.Threads, false)]
    [InlineData(ServerMode.Async, true)]
    [InlineData(ServerMode.Select, true)]
    [InlineData(ServerMode.Threads, true)]
    public async Task Fan_out_through_the_server_delivers_every_message_to_every_subscriber_and_leaves_no_session_behind(ServerMode mode, bool tls)
    {
        await using var server = await StartAsync(mode);
        var options = new FanoutOptions
        {
            Endpoint = server.EndPoint,
            Subscribers = 4,
            Publishers = 2,
            Rate = 400,
            Duration = TimeSpan.FromSeconds(0.5),
            Warmup = TimeSpan.FromSeconds(0.25),
            Drain = TimeSpan.FromSeconds(10),
        };
        var result = await new FanoutScenario(new TermChatTcpTarget(tls), options, progress: false).RunAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal((300L, 1200L, 1200L, 0.0, (string?)null), (result.Sent, result.Expected, result.Delivered, result.LossPercent, result.Error));
        Assert.Equal(4 * 200, result.Latency.Count);
        Assert.Equal(tls ? 4 + 2 : 0, server.Server.Stats.TlsHandshakes);
        Assert.Equal(TimeSpan.FromSeconds(60), server.Server.Options.ResumeWindow);
        await Eventually.TrueAsync(() => server.Server.SessionCount == 0, TimeSpan.FromSeconds(20));
    }

    // Two loopback addresses of one server stand in for two nodes of a cluster: every subscriber gets every message, and
    // each address's row counts only its own subscribers.
    [Fact]
    public async Task Fan_out_spread_over_nodes_reports_each_nodes_subscribers_deliveries_and_latencies()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async, options =>
        {
            options.FloodRate = 0;
            options.MaxPerIp = 1000;
            options.Bind = IPAddress.Any;
        });
        var first = new IPEndPoint(IPAddress.Loopback, server.EndPoint.Port);
        var second = new IPEndPoint(IPAddress.Parse("127.0.0.2"), server.EndPoint.Port);
        var options = new FanoutOptions
        {
            Endpoint = first,
            SubscriberEndpoints = [first, second],
            Subscribers = 5,
            Rate = 200,
            Duration = TimeSpan.FromSeconds(0.5),
            Warmup = TimeSpan.FromSeconds(0.25),
            Drain = TimeSpan.FromSeconds(10),
        };
        var result = await new FanoutScenario(new TermChatTcpTarget(), options, progress: false).RunAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal((750L, (string?)null), (result.Delivered, result.Error));
        Assert.Equal(
            [(first.ToString(), 3, 450L, 300L), (second.ToString(), 2, 300L, 200L)],
            result.ByNode!.Select(node => (node.Node, node.Subscribers, node.Delivered, node.Latency.Count)));
    }

    [Fact]
    public async Task Fan_out_to_one_node_has_no_per_node_rows()
    {
        await using var server = await StartAsync(ServerMode.Async);
        var options = new FanoutOptions { Endpoint = server.EndPoint, Subscribers = 2, Rate = 100, Duration = TimeSpan.FromSeconds(0.2), Warmup = TimeSpan.Zero };
        var result = await new FanoutScenario(new TermChatTcpTarget(), options, progress: false).RunAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal((40L, (string?)null), (result.Delivered, result.Error));
        Assert.Null(result.ByNode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ping_pong_through_the_server_times_every_round_trip(bool tls)
    {
        await using var server = await StartAsync(ServerMode.Async);
        var result = await new PingPongScenario(new TermChatTcpTarget(tls), server.EndPoint, count: 200, warmup: 10, textBytes: 48, progress: false)
            .RunAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal((200L, (string?)null), (result.Latency.Count, result.Error));
    }

    [Fact]
    public async Task Idle_connections_are_counted_alive_and_measured_on_this_process()
    {
        await using var server = await StartAsync(ServerMode.Async);
        // The server runs in the test process, so its memory is this process's.
        var result = await new ConnectionsScenario(new TermChatTcpTarget(), server.EndPoint, 50, Environment.ProcessId, TimeSpan.Zero, progress: false)
            .RunAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal((50, 50, 50, (string?)null), (result.Requested, result.Established, result.Alive, result.Error));
        Assert.True(result.RssBeforeBytes > 0 && result.RssAfterBytes > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Idle_UDP_sessions_are_counted_alive_and_closed_with_a_goodbye_afterwards(bool dtls)
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async, options =>
        {
            options.FloodRate = 0;
            options.MaxPerIp = 1000;
            options.ServeUdp = true;
        });
        const int Count = 20;

        var result = await UdpBench.ConnectionsAsync(server.Server.UdpEndPoint!, Count, Environment.ProcessId, TimeSpan.Zero, progress: false, dtls,
            CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal((dtls ? "termchat-udp-dtls" : "termchat-udp", Count, Count, Count, (string?)null),
            (result.Target, result.Requested, result.Established, result.Alive, result.Error));
        Assert.NotNull(result.ServerCpuSeconds);
        // Each session said goodbye (a Close datagram), so the server ended them as closed by the peer, not later as dead.
        var deadline = DateTime.UtcNow + Timeout;
        while (server.Server.Stats.Disconnects(DisconnectReason.PeerClosed) < Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(Count, server.Server.Stats.Disconnects(DisconnectReason.PeerClosed));
    }

    [Fact]
    public async Task A_nick_the_server_refuses_is_reported_with_its_reason()
    {
        await using var server = await StartAsync(ServerMode.Async);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Task.Run(() => new TermChatTcpTarget().Connect(server.EndPoint, "9starts-with-a-digit", ConnectRole.Subscriber, CancellationToken.None)).WaitAsync(Timeout));
        Assert.Contains("TermChat refused 9starts-with-a-digit", exception.Message, StringComparison.Ordinal);
    }
}
