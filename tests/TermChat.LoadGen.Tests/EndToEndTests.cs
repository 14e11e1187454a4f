using System.Net;
using System.Net.Sockets;
using TermChat.BenchTools;
using TermChat.LoadGen.Scenarios;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Tests;

/// <summary>The scenarios against small real servers on loopback; they check counts, never timings.</summary>
public class EndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ping_pong_against_the_echo_server_times_every_round_trip()
    {
        using var cts = new CancellationTokenSource();
        using var server = new EchoServer(new IPEndPoint(IPAddress.Loopback, 0));
        var serving = server.RunAsync(cts.Token);
        var result = await new PingPongScenario(new EchoTarget(), server.Endpoint, count: 300, warmup: 20, textBytes: 48, progress: false)
            .RunAsync(CancellationToken.None).WaitAsync(Timeout);
        cts.Cancel();
        await serving.WaitAsync(Timeout);
        Assert.Equal(("echo", 300L, (string?)null), (result.Target, result.Latency.Count, result.Error));
        Assert.True(result.Latency.P50Us > 0 && result.Latency.P99Us >= result.Latency.P50Us);
    }

    [Fact]
    public async Task Fan_out_through_a_line_relay_delivers_every_message_to_every_subscriber()
    {
        using var cts = new CancellationTokenSource();
        using var relay = new TestLineRelay();
        var serving = relay.RunAsync(cts.Token);
        var options = new FanoutOptions
        {
            Endpoint = relay.Endpoint,
            Subscribers = 5,
            Publishers = 2,
            Rate = 400,
            Duration = TimeSpan.FromSeconds(0.5),
            Warmup = TimeSpan.FromSeconds(0.25),
            Drain = TimeSpan.FromSeconds(10),
        };
        var result = await new FanoutScenario(new LineRelayTarget(), options, progress: false).RunAsync(CancellationToken.None).WaitAsync(Timeout);
        cts.Cancel();
        await serving.WaitAsync(Timeout);
        Assert.Equal((300L, 1500L, 1500L, 0.0, (string?)null), (result.Sent, result.Expected, result.Delivered, result.LossPercent, result.Error));
        Assert.Equal(5 * 200, result.Latency.Count);
    }

    [Fact]
    public async Task A_server_that_refuses_connections_is_an_error_not_a_hang()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        listener.Dispose();
        var options = new FanoutOptions { Endpoint = endpoint, Subscribers = 2 };
        await Assert.ThrowsAsync<SocketException>(() => new FanoutScenario(new NatsTarget(), options, progress: false).RunAsync(CancellationToken.None).WaitAsync(Timeout));
    }
}
