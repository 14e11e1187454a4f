using System.Net;
using TermChat.Cli.Commands;
using TermChat.Client.Discovery;
using TermChat.Client.Transports;
using TermChat.Protocol.Discovery;
using TermChat.Server.Discovery;

namespace TermChat.Cli.Tests.Commands;

// `join` without an address. These tests never broadcast: discovery is limited to loopback.
// Across real links (none, one, several servers) it is tested in tests/scripts/lan-discovery.sh.
public sealed class JoinDiscoveryTests
{
    private static DiscoveredServer Server(string name, string address, ushort protocol = 1) => new(
        Guid.NewGuid(), name, "1.0.0", protocol, "async", 1, 7777, 0,
        new AdvertisedAddress[] { new(IPAddress.Parse(address), 24) }, new[] { IPAddress.Parse(address) }, TimeSpan.Zero);

    [Fact]
    public void One_server_is_joined_at_its_preferred_address()
    {
        var error = new StringWriter();
        var (endpoint, code) = JoinDiscovery.Choose([Server("lab", "10.99.0.1")], error);
        Assert.Equal((new ChatEndpoint("10.99.0.1", 7777), 0), (endpoint, code));
        Assert.Equal("termchat join: found lab at 10.99.0.1:7777" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public void Several_servers_are_listed_with_the_command_to_join_each()
    {
        var error = new StringWriter();
        var (endpoint, code) = JoinDiscovery.Choose([Server("alpha", "10.99.0.1"), Server("multi", "10.99.4.1")], error);
        Assert.Equal((null, JoinDiscovery.ExitSeveral), (endpoint, code));
        Assert.Equal(
            "termchat join: found 2 servers; choose one:" + Environment.NewLine +
            "  termchat join 10.99.0.1:7777           # alpha (async, 1 user)" + Environment.NewLine +
            "  termchat join 10.99.4.1:7777           # multi (async, 1 user)" + Environment.NewLine,
            error.ToString());
    }

    [Fact]
    public void No_server_says_so_and_how_to_join_by_address()
    {
        var error = new StringWriter();
        var (endpoint, code) = JoinDiscovery.Choose([], error);
        Assert.Equal((null, JoinDiscovery.ExitNone), (endpoint, code));
        Assert.StartsWith("termchat join: no servers found", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_speaking_another_protocol_version_is_not_joined()
    {
        var error = new StringWriter();
        var (endpoint, _) = JoinDiscovery.Choose([Server("future", "10.99.0.1", protocol: 9)], error);
        Assert.Null(endpoint);
        Assert.Contains("1 server(s) answered but speak another protocol version", error.ToString());
    }

    [Fact]
    public async Task A_server_on_this_machine_is_found_over_loopback()
    {
        await using var responder = new DiscoveryResponder(
            new DiscoveryResponderOptions { Port = 0, BindAddress = IPAddress.Loopback, MulticastGroup = null, TcpPort = 7001 },
            () => new DiscoveryStatus("local", "threads", 0));
        responder.Start();
        var options = new DiscoveryClientOptions { Port = responder.Port, Broadcast = false, MulticastGroup = null, GetAddresses = () => [] };
        var (endpoint, code) = await JoinDiscovery.FindAsync(new StringWriter(), options, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((new ChatEndpoint("127.0.0.1", 7001), 0), (endpoint, code));
    }
}
