using System.Net;
using TermChat.Protocol.Discovery;

namespace TermChat.Protocol.Tests.Discovery;

public sealed class LocalInterfacesTests
{
    private static readonly LocalAddress Loopback4 = new("lo", 1, IPAddress.Loopback, 8, true, false);
    private static readonly LocalAddress Loopback6 = new("lo", 1, IPAddress.IPv6Loopback, 128, true, false);
    private static readonly LocalAddress Eth0 = new("eth0", 2, IPAddress.Parse("192.168.1.20"), 24, false, true);
    private static readonly LocalAddress Eth0LinkLocal = new("eth0", 2, IPAddress.Parse("fe80::1%2"), 64, false, true);
    private static readonly LocalAddress Eth0Ula = new("eth0", 2, IPAddress.Parse("fd00::20"), 64, false, true);
    private static readonly LocalAddress Eth1 = new("eth1", 3, IPAddress.Parse("10.99.4.1"), 22, false, true);

    [Theory]
    [InlineData("192.168.1.20", 24, "192.168.1.255")]
    [InlineData("10.99.4.1", 22, "10.99.7.255")]
    [InlineData("10.99.2.65", 26, "10.99.2.127")]
    [InlineData("172.16.5.4", 12, "172.31.255.255")]
    [InlineData("10.1.2.3", 8, "10.255.255.255")]
    [InlineData("10.1.2.3", 30, "10.1.2.3")]
    public void Directed_broadcast_comes_from_the_real_prefix_length(string address, int prefix, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), LocalInterfaces.DirectedBroadcast(IPAddress.Parse(address), prefix));
    }

    [Fact]
    public void Point_to_point_prefixes_and_ipv6_have_no_directed_broadcast()
    {
        Assert.Null(LocalInterfaces.DirectedBroadcast(IPAddress.Parse("10.1.2.3"), 31));
        Assert.Null(LocalInterfaces.DirectedBroadcast(IPAddress.Parse("10.1.2.3"), 32));
        Assert.Null(LocalInterfaces.DirectedBroadcast(IPAddress.Parse("fd00::1"), 64));
    }

    [Fact]
    public void Wildcard_server_advertises_every_interface_without_loopback_with_the_arrival_interface_first()
    {
        var all = new[] { Loopback4, Eth0, Eth1, Loopback6, Eth0LinkLocal, Eth0Ula };
        Assert.Equal(
            new AdvertisedAddress[] { new(Eth1.Address, 22), new(Eth0.Address, 24), new(Eth0Ula.Address, 64) },
            LocalInterfaces.SelectAdvertised(all, IPAddress.IPv6Any, arrivalInterface: 3));
        Assert.Equal(
            new AdvertisedAddress[] { new(Eth0.Address, 24), new(Eth0Ula.Address, 64), new(Eth1.Address, 22) },
            LocalInterfaces.SelectAdvertised(all, IPAddress.IPv6Any, arrivalInterface: 2));
    }

    [Fact]
    public void Ipv4_only_server_advertises_no_ipv6()
    {
        var all = new[] { Loopback4, Eth0, Eth0Ula };
        Assert.Equal(new AdvertisedAddress[] { new(Eth0.Address, 24) }, LocalInterfaces.SelectAdvertised(all, IPAddress.Any, 0));
    }

    [Fact]
    public void Loopback_is_advertised_only_when_there_is_nothing_else()
    {
        Assert.Equal(
            new AdvertisedAddress[] { new(IPAddress.Loopback, 8), new(IPAddress.IPv6Loopback, 128) },
            LocalInterfaces.SelectAdvertised([Loopback4, Loopback6], IPAddress.IPv6Any, 1));
    }

    [Fact]
    public void Server_bound_to_one_address_advertises_only_that_address()
    {
        var all = new[] { Loopback4, Eth0, Eth1 };
        Assert.Equal(new AdvertisedAddress[] { new(Eth1.Address, 22) }, LocalInterfaces.SelectAdvertised(all, Eth1.Address, 2));
    }

    [Fact]
    public void At_most_the_address_limit_is_advertised()
    {
        var many = Enumerable.Range(1, 40).Select(i => new LocalAddress($"veth{i}", i + 1, new IPAddress(new byte[] { 10, 99, 0, (byte)i }), 24, false, true)).ToArray();
        Assert.Equal(DiscoveryDefaults.MaxAddresses, LocalInterfaces.SelectAdvertised(many, IPAddress.Any, 0).Count);
    }

    [Fact]
    public void This_machine_has_at_least_a_loopback_address()
    {
        Assert.Contains(LocalInterfaces.GetAddresses(), a => a.IsLoopback);
    }
}
