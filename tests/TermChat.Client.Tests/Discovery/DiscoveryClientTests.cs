using System.Net;
using System.Net.Sockets;
using TermChat.Client.Discovery;
using TermChat.Protocol;
using TermChat.Protocol.Discovery;
using TermChat.Server.Discovery;

namespace TermChat.Client.Tests.Discovery;

public sealed class DiscoveryClientTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private static DiscoveryResponder StartResponder(IPAddress bind, Guid id, string name, int port = 0)
    {
        var responder = new DiscoveryResponder(
            new DiscoveryResponderOptions { Port = port, BindAddress = bind, MulticastGroup = null, InstanceId = id, TcpPort = 7777, AppVersion = "1.0.0" },
            () => new DiscoveryStatus(name, "threads", 2));
        responder.Start();
        return responder;
    }

    private static DiscoveryClient LoopbackClient(int port) => new(new DiscoveryClientOptions
    {
        Port = port,
        Broadcast = false,
        MulticastGroup = null,
        Loopback = true,
        GetAddresses = () => [],
    });

    [Fact]
    public async Task A_server_on_this_machine_is_found_with_everything_it_advertised()
    {
        var id = Guid.NewGuid();
        await using var responder = StartResponder(IPAddress.Loopback, id, "local");
        var found = await LoopbackClient(responder.Port).DiscoverAsync(Window, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var server = Assert.Single(found);
        Assert.Equal(
            new DiscoveredServer(id, "local", "1.0.0", ProtocolLimits.Version, "threads", 2, 7777, 0,
                new AdvertisedAddress[] { new(IPAddress.Loopback, 8) }, new[] { IPAddress.Loopback }, server.RoundTrip),
            server);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7777), server.PreferredEndPoint);
    }

    [Fact]
    public async Task Retransmitted_probes_do_not_list_a_server_twice_and_updates_report_it_once()
    {
        await using var responder = StartResponder(IPAddress.Loopback, Guid.NewGuid(), "once");
        var updates = new List<DiscoveredServer>();
        var client = new DiscoveryClient(new DiscoveryClientOptions
        {
            Port = responder.Port,
            Broadcast = false,
            MulticastGroup = null,
            GetAddresses = () => [],
            SendSchedule = [TimeSpan.Zero, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)],
        });
        var found = await client.DiscoverAsync(Window, updates.Add, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(found);
        Assert.Single(updates);
    }

    [Fact]
    public async Task Nothing_listening_means_an_empty_list_after_the_timeout()
    {
        using var placeholder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        placeholder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)placeholder.LocalEndPoint!).Port;
        var found = await LoopbackClient(port).DiscoverAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(found);
    }

    [Fact]
    public async Task Cancelling_discovery_throws_operation_canceled()
    {
        await using var responder = StartResponder(IPAddress.Loopback, Guid.NewGuid(), "x");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LoopbackClient(responder.Port).DiscoverAsync(Window, cts.Token));
    }

    [Fact]
    public async Task A_unicast_probe_over_ipv6_reaches_a_server_bound_to_ipv6_loopback()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }
        var id = Guid.NewGuid();
        await using var responder = StartResponder(IPAddress.IPv6Loopback, id, "six");
        var client = new DiscoveryClient(new DiscoveryClientOptions { Port = responder.Port });
        var server = await client.ProbeAsync(IPAddress.IPv6Loopback, Window, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(server);
        Assert.Equal(id, server.InstanceId);
        Assert.Equal(new[] { IPAddress.IPv6Loopback }, server.RespondedFrom);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 7777), server.PreferredEndPoint);
    }

    [Fact]
    public void Replies_from_one_instance_over_two_interfaces_merge_their_addresses_and_sources()
    {
        var id = Guid.NewGuid();
        var a = IPAddress.Parse("10.99.2.1");
        var b = IPAddress.Parse("10.99.4.1");
        var first = new DiscoveryReply(1, id, 1, "1.0", "multi", "async", 1, 7777, 0, new AdvertisedAddress[] { new(a, 24), new(b, 22) });
        var second = first with { Users = 2, Addresses = new AdvertisedAddress[] { new(b, 22), new(a, 24) } };
        var merged = DiscoveredServer.From(first, a, TimeSpan.FromMilliseconds(3)).Merge(second, b);
        Assert.Equal(
            new DiscoveredServer(id, "multi", "1.0", 1, "async", 2, 7777, 0, new AdvertisedAddress[] { new(a, 24), new(b, 22) }, new[] { a, b }, TimeSpan.FromMilliseconds(3)),
            merged);
        Assert.Equal(a, merged.PreferredAddress);
    }

    [Fact]
    public void The_preferred_address_is_one_the_server_listens_on_even_if_the_reply_came_from_another()
    {
        var bound = IPAddress.Parse("10.99.4.1");
        var reply = new DiscoveryReply(1, Guid.NewGuid(), 1, "1.0", "bound", "async", 0, 7777, 0, new AdvertisedAddress[] { new(bound, 22) });
        var server = DiscoveredServer.From(reply, IPAddress.Parse("10.99.2.1"), TimeSpan.Zero);
        Assert.Equal(bound, server.PreferredAddress);
    }
}
