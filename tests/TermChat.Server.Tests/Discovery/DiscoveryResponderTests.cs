using System.Net;
using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Protocol.Discovery;
using TermChat.Server.Discovery;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Discovery;

public sealed class DiscoveryResponderTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly Guid Instance = Guid.Parse("6b1d4c2e-0000-4000-8000-000000000001");

    private static readonly LocalAddress[] FakeAddresses =
    [
        new("lo", 1, IPAddress.Loopback, 8, true, false),
        new("eth0", 2, IPAddress.Parse("192.168.1.20"), 24, false, true),
        new("eth1", 3, IPAddress.Parse("10.99.4.1"), 22, false, true),
        new("eth1", 3, IPAddress.Parse("fd00::1"), 64, false, true),
    ];

    private readonly ManualTimeProvider _time = new();
    private readonly UdpClient _prober = new(new IPEndPoint(IPAddress.Loopback, 0));
    private DiscoveryResponder _responder = null!;
    private int _users = 3;

    private DiscoveryResponder Create(Action<DiscoveryResponderOptionsBuilder>? configure = null)
    {
        var builder = new DiscoveryResponderOptionsBuilder();
        configure?.Invoke(builder);
        var options = new DiscoveryResponderOptions
        {
            Port = 0,
            MulticastGroup = null,
            BindAddress = builder.Bind,
            TcpPort = 7777,
            UdpPort = 7779,
            InstanceId = Instance,
            AppVersion = "1.0.0",
            ProbesPerSecond = builder.ProbesPerSecond,
            GetAddresses = () => builder.Addresses,
            Cluster = builder.Cluster,
            KeyFingerprint = builder.Key,
        };
        var responder = new DiscoveryResponder(options, () => new DiscoveryStatus("lab", "async", _users), time: _time);
        responder.Start();
        return responder;
    }

    internal sealed class DiscoveryResponderOptionsBuilder
    {
        public IPAddress Bind { get; set; } = IPAddress.Any;

        public double ProbesPerSecond { get; set; } = 10;

        public IReadOnlyList<LocalAddress> Addresses { get; set; } = FakeAddresses;

        public string Cluster { get; set; } = "";

        public string Key { get; set; } = "";
    }

    public Task InitializeAsync()
    {
        _responder = Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _responder.DisposeAsync();
        _prober.Dispose();
    }

    private IPEndPoint Target(DiscoveryResponder responder) => new(IPAddress.Loopback, responder.Port);

    private async Task<(DiscoveryMessage Message, int Bytes)> SendAndReceiveAsync(byte[] request, DiscoveryResponder? responder = null)
    {
        await _prober.SendAsync(request, Target(responder ?? _responder)).AsTask().WaitAsync(Timeout);
        return await ReceiveAsync();
    }

    private async Task<(DiscoveryMessage Message, int Bytes)> ReceiveAsync()
    {
        var result = await _prober.ReceiveAsync().WaitAsync(Timeout);
        Assert.True(DiscoveryCodec.TryParse(result.Buffer, out var message), "the responder sent an unparseable datagram");
        return (message!, result.Buffer.Length);
    }

    [Fact]
    public async Task A_probe_gets_a_reply_describing_the_server_and_its_non_loopback_addresses()
    {
        var (reply, bytes) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new DiscoveryProbe(77)));
        Assert.Equal(
            new DiscoveryReply(77, Instance, ProtocolLimits.Version, "1.0.0", "lab", "async", 3, 7777, 7779,
                new AdvertisedAddress[] { new(IPAddress.Parse("192.168.1.20"), 24), new(IPAddress.Parse("10.99.4.1"), 22) }),
            reply);
        Assert.True(bytes <= DiscoveryDefaults.ProbeBytes);
    }

    [Fact]
    public async Task A_node_of_a_cluster_names_its_cluster_in_its_reply()
    {
        await using var node = Create(options => options.Cluster = "prod");
        var (message, _) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new DiscoveryProbe(5)), node);
        Assert.Equal("prod", Assert.IsType<DiscoveryReply>(message).Cluster);
    }

    [Fact]
    public async Task A_reply_drops_its_last_addresses_rather_than_outgrow_the_probe_keeping_the_arrival_interface_first()
    {
        // Sixteen IPv6 addresses with the longest name, key and cluster name: more than 512 bytes with every address.
        var many = Enumerable.Range(1, DiscoveryDefaults.MaxAddresses)
            .Select(i => new LocalAddress("eth" + i, 10 + i, IPAddress.Parse($"fd00::{i:x}"), 64, false, true)).ToArray();
        await using var node = new DiscoveryResponder(new DiscoveryResponderOptions
        {
            Port = 0,
            BindAddress = IPAddress.IPv6Any,
            GetAddresses = () => many,
            Cluster = new string('c', DiscoveryDefaults.MaxClusterBytes),
            KeyFingerprint = new string('k', DiscoveryDefaults.MaxKeyBytes),
            AppVersion = new string('v', DiscoveryDefaults.MaxVersionBytes),
        }, () => new DiscoveryStatus(new string('n', DiscoveryDefaults.MaxNameBytes), "threads", 0), time: _time);

        var reply = node.CreateReply(new DiscoveryProbe(5), arrivalInterface: 13);
        Assert.True(DiscoveryCodec.ToArray(reply).Length <= DiscoveryDefaults.ProbeBytes);
        Assert.InRange(reply.Addresses.Count, 1, DiscoveryDefaults.MaxAddresses - 1);
        Assert.Equal(IPAddress.Parse("fd00::3"), reply.Addresses[0].Address);
    }

    [Fact]
    public async Task The_reply_carries_the_user_count_at_the_time_of_the_probe()
    {
        _users = 11;
        var (reply, _) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new DiscoveryProbe(1)));
        Assert.Equal(11u, Assert.IsType<DiscoveryReply>(reply).Users);
    }

    [Fact]
    public async Task Malformed_and_unpadded_probes_are_ignored_and_the_responder_keeps_answering()
    {
        var probe = DiscoveryCodec.ToArray(new DiscoveryProbe(5));
        await _prober.SendAsync(probe.AsMemory(0, 100), Target(_responder)).AsTask().WaitAsync(Timeout);
        await _prober.SendAsync("garbage"u8.ToArray(), Target(_responder)).AsTask().WaitAsync(Timeout);
        await _prober.SendAsync(new byte[600], Target(_responder)).AsTask().WaitAsync(Timeout);
        var forgedReply = DiscoveryCodec.ToArray(new DiscoveryReply(5, Guid.NewGuid(), 1, "x", "x", "x", 0, 1, 0, ValueList<AdvertisedAddress>.Empty));
        await _prober.SendAsync(forgedReply, Target(_responder)).AsTask().WaitAsync(Timeout);
        var (reply, _) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new DiscoveryProbe(6)));
        Assert.Equal(6ul, reply.Nonce);
    }

    [Fact]
    public async Task Probes_beyond_the_per_source_rate_are_dropped_until_tokens_refill()
    {
        await using var limited = Create(b => b.ProbesPerSecond = 1);
        for (ulong nonce = 1; nonce <= 3; nonce++)
        {
            await _prober.SendAsync(DiscoveryCodec.ToArray(new DiscoveryProbe(nonce)), Target(limited)).AsTask().WaitAsync(Timeout);
        }
        Assert.Equal(1ul, (await ReceiveAsync()).Message.Nonce);
        Assert.Equal(2ul, (await ReceiveAsync()).Message.Nonce);
        _time.Advance(TimeSpan.FromSeconds(1));
        var (reply, _) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new DiscoveryProbe(4)), limited);
        Assert.Equal(4ul, reply.Nonce);
    }

    [Fact]
    public async Task An_echo_reply_is_never_larger_than_its_request()
    {
        var (reply, bytes) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new EchoRequest(9, 1, Length: 1000, ReplyLength: 5000)));
        Assert.Equal(new EchoReply(9, 1, ReceivedLength: 1000, RequestIntact: true, Length: 1000), reply);
        Assert.Equal(1000, bytes);
    }

    [Fact]
    public async Task An_echo_reply_can_be_smaller_than_its_request()
    {
        var (reply, bytes) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new EchoRequest(9, 2, Length: 8000, ReplyLength: 64)));
        Assert.Equal(new EchoReply(9, 2, ReceivedLength: 8000, RequestIntact: true, Length: 64), reply);
        Assert.Equal(64, bytes);
    }

    [Fact]
    public async Task A_damaged_echo_request_is_reported_as_not_intact()
    {
        var request = DiscoveryCodec.ToArray(new EchoRequest(9, 3, Length: 700, ReplyLength: 700));
        request[650] ^= 1;
        var (reply, _) = await SendAndReceiveAsync(request);
        Assert.Equal(new EchoReply(9, 3, ReceivedLength: 700, RequestIntact: false, Length: 700), reply);
    }

    [Fact]
    public async Task A_server_bound_to_loopback_advertises_loopback_and_answers_there()
    {
        await using var local = Create(b => b.Bind = IPAddress.Loopback);
        var (reply, _) = await SendAndReceiveAsync(DiscoveryCodec.ToArray(new DiscoveryProbe(8)), local);
        Assert.Equal(new AdvertisedAddress[] { new(IPAddress.Loopback, 8) }, Assert.IsType<DiscoveryReply>(reply).Addresses);
    }

    [Fact]
    public async Task Disposing_twice_is_harmless_and_start_after_dispose_is_refused()
    {
        var responder = Create();
        await responder.DisposeAsync();
        await responder.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(responder.Start);
    }

    [Fact]
    public async Task A_stream_of_mutated_datagrams_never_stops_the_responder()
    {
        // No rate limit here: mutations that still parse are answered, and the test must not depend on how many.
        await using var responder = Create(b => b.ProbesPerSecond = 1_000_000);
        var random = new Random(7778);
        var seeds = new[]
        {
            DiscoveryCodec.ToArray(new DiscoveryProbe(1)),
            DiscoveryCodec.ToArray(new EchoRequest(1, 1, 200, 200)),
        };
        for (int i = 0; i < 300; i++)
        {
            var bytes = seeds[i % seeds.Length].ToArray();
            int cut = random.Next(bytes.Length + 1);
            bytes = bytes[..Math.Max(1, cut)];
            for (int m = random.Next(1, 4); m > 0; m--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            await _prober.SendAsync(bytes, Target(responder)).AsTask().WaitAsync(Timeout);
        }
        // A burst this size can overflow the socket's receive buffer (UDP drops, by design), so the final
        // probe is repeated until answered; mutations that still parse are answered too and skipped here.
        var final = DiscoveryCodec.ToArray(new DiscoveryProbe(424242));
        using var deadline = new CancellationTokenSource(Timeout);
        var receive = _prober.ReceiveAsync(deadline.Token).AsTask();
        while (true)
        {
            await _prober.SendAsync(final, Target(responder)).AsTask().WaitAsync(Timeout);
            var resend = Task.Delay(200, deadline.Token);
            while (await Task.WhenAny(receive, resend) == receive)
            {
                var result = await receive;
                Assert.True(DiscoveryCodec.TryParse(result.Buffer, out var message));
                Assert.True(result.Buffer.Length <= DiscoveryDefaults.ProbeBytes);
                if (message is DiscoveryReply { Nonce: 424242 })
                {
                    return;
                }
                receive = _prober.ReceiveAsync(deadline.Token).AsTask();
            }
            await resend; // Throws when the deadline passed: the responder stopped answering.
        }
    }
}
