using System.Net;
using System.Net.Sockets;
using TermChat.Client.Diagnostics;
using TermChat.Client.Discovery;
using TermChat.Server;
using TermChat.Server.Discovery;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.Diagnostics;

public sealed class NetworkCheckTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static DiscoveryResponder StartResponder()
    {
        var responder = new DiscoveryResponder(
            new DiscoveryResponderOptions { Port = 0, BindAddress = IPAddress.Loopback, MulticastGroup = null, TcpPort = 7777 },
            () => new DiscoveryStatus("echo-host", "async", 0));
        responder.Start();
        return responder;
    }

    private static int ClosedPort(SocketType type)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static NetworkCheckOptions Options(int tcpPort, int udpPort, TimeSpan? tcpInterval = null) => new()
    {
        Host = "127.0.0.1",
        Port = tcpPort,
        DiscoveryPort = udpPort,
        Samples = 5,
        Interval = TimeSpan.Zero,
        TcpInterval = tcpInterval ?? TimeSpan.Zero,
        SampleTimeout = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        Discovery = new DiscoveryClientOptions { Port = udpPort, Broadcast = false, MulticastGroup = null, GetAddresses = () => [] },
    };

    [Fact]
    public async Task A_healthy_loopback_server_gets_full_measurements_and_a_good_verdict()
    {
        await using var tcp = new FakePingServer(requireHello: false);
        await using var udp = new FakeHandshakeResponder(tcp.Port);
        await using var responder = StartResponder();
        var lines = new List<string>();
        var report = await new NetworkCheck(Options(tcp.Port, responder.Port)).RunAsync(lines.Add, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(IPAddress.Loopback, report.Address);
        Assert.Equal((5, 5), (report.Tcp!.Sent, report.Tcp.Received));
        Assert.Equal("before-handshake", report.TcpMethod);
        Assert.Equal((5, 5), (report.Udp!.Sent, report.Udp.Received));
        Assert.Equal(8972, report.LargestUdpPayload); // Loopback's MTU is far above the largest size tried.
        Assert.Null(report.FragmentedArrives);
        Assert.True(report.DiscoveryUnicast);
        Assert.Null(report.DiscoveryBroadcast);
        Assert.Equal("echo-host", report.ServerName);
        Assert.Empty(tcp.Nicks);
        // "Good" or "Usable, but…" depends on scheduling delays on a busy machine; both mean it worked.
        Assert.Matches("^(Good: |Usable, but )", report.Verdict);
        Assert.Contains(lines, l => l.StartsWith("TCP: round trip 5/5", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("UDP: round trip 5/5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_wants_hello_first_is_measured_in_a_short_session_with_a_netcheck_nick()
    {
        await using var tcp = new FakePingServer(requireHello: true);
        await using var responder = StartResponder();
        var report = await new NetworkCheck(Options(tcp.Port, responder.Port)).RunAsync(null, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal("session", report.TcpMethod);
        Assert.Equal(5, report.Tcp!.Received);
        Assert.Matches("^netcheck-[0-9a-f]{4}$", Assert.Single(tcp.Nicks));
    }

    [Fact]
    public async Task Flood_notices_between_pongs_do_not_count_as_failures()
    {
        await using var tcp = new FakePingServer(requireHello: false, floodNotices: true);
        await using var responder = StartResponder();
        var report = await new NetworkCheck(Options(tcp.Port, responder.Port)).RunAsync(null, CancellationToken.None).WaitAsync(Limit);
        Assert.Null(report.TcpError);
        Assert.Equal((5, 5), (report.Tcp!.Sent, report.Tcp.Received));
    }

    [Fact]
    public async Task A_closed_tcp_port_is_reported_as_refused()
    {
        await using var responder = StartResponder();
        var report = await new NetworkCheck(Options(ClosedPort(SocketType.Stream), responder.Port)).RunAsync(null, CancellationToken.None).WaitAsync(Limit);
        Assert.Null(report.Tcp);
        Assert.Contains("connection refused", report.TcpError);
        Assert.StartsWith("No TermChat server answers on TCP 127.0.0.1:", report.Verdict);
    }

    [Fact]
    public async Task A_chat_port_without_udp_is_reported_as_unreachable_and_named_in_the_verdict()
    {
        await using var tcp = new FakePingServer(requireHello: false);
        await using var responder = StartResponder();
        var report = await new NetworkCheck(Options(tcp.Port, responder.Port)).RunAsync(null, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(5, report.Tcp!.Received);
        Assert.Equal("nothing listens there (ICMP port unreachable)", report.UdpError);
        Assert.Null(report.LargestUdpPayload);
        Assert.Contains($"UDP on port {tcp.Port} got no answer", report.Verdict);
    }

    [Fact]
    public async Task A_discovery_port_that_does_not_echo_does_not_contradict_a_working_udp_chat_port()
    {
        await using var tcp = new FakePingServer(requireHello: false);
        await using var udp = new FakeHandshakeResponder(tcp.Port);
        int discoveryPort = ClosedPort(SocketType.Dgram);
        var report = await new NetworkCheck(Options(tcp.Port, discoveryPort)).RunAsync(null, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal((5, 5), (report.Udp!.Sent, report.Udp.Received));
        Assert.Null(report.UdpError);
        Assert.Equal("nothing listens there (ICMP port unreachable)", report.EchoError);
        Assert.False(report.DiscoveryUnicast);
        Assert.Contains($"The discovery port {discoveryPort} did not answer netcheck's echo, so datagram sizes were not measured", report.Verdict);
        Assert.DoesNotContain("may not work", report.Verdict);
        Assert.DoesNotContain("got no answer", report.Verdict);
    }

    [Theory]
    [InlineData(ServerMode.Select)]
    [InlineData(ServerMode.Threads)]
    [InlineData(ServerMode.Async)]
    public async Task A_termchat_server_answers_pings_before_hello_so_netcheck_makes_no_session(ServerMode mode)
    {
        using var log = new HoldingLoggerFactory();
        await using var server = await TestServer.StartAsync(mode, loggerFactory: log);
        await using var responder = StartResponder();
        var report = await new NetworkCheck(Options(server.EndPoint.Port, responder.Port)).RunAsync(null, CancellationToken.None).WaitAsync(Limit);
        Assert.Null(report.TcpError);
        Assert.Equal("before-handshake", report.TcpMethod);
        Assert.Equal((5, 5), (report.Tcp!.Sent, report.Tcp.Received));
        Assert.DoesNotContain(log.Lines, l => l.Contains("Registered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handshake_timeout_shorter_than_the_series_only_moves_netcheck_to_a_fresh_connection()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async, o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));
        await using var responder = StartResponder();
        // Five pings 200 ms apart outlast the 300 ms handshake timeout.
        var options = Options(server.EndPoint.Port, responder.Port, tcpInterval: TimeSpan.FromMilliseconds(200));
        var report = await new NetworkCheck(options).RunAsync(null, CancellationToken.None).WaitAsync(Limit);
        Assert.Null(report.TcpError);
        Assert.Equal("before-handshake", report.TcpMethod);
        Assert.Equal((5, 5), (report.Tcp!.Sent, report.Tcp.Received));
        Assert.True(server.Server.Stats.Disconnects(DisconnectReason.HandshakeTimeout) >= 1);
    }
}
