using System.Net;
using System.Text.Json;
using TermChat.Cli.Commands;
using TermChat.Client.Discovery;
using TermChat.Client.Security;
using TermChat.Protocol.Discovery;
using TermChat.Protocol.Security;

namespace TermChat.Cli.Tests.Commands;

public sealed class DiscoverCommandTests
{
    private static readonly DiscoveredServer Multi = new(
        Guid.Parse("05371010-a4ee-4fff-8fc6-d141c0f7a8c4"), "multi", "1.0.0", 1, "async", 3, 7777, 7777,
        new AdvertisedAddress[] { new(IPAddress.Parse("10.99.4.1"), 22), new(IPAddress.Parse("10.99.2.65"), 26) },
        new[] { IPAddress.Parse("10.99.2.65"), IPAddress.Parse("10.99.4.1") }, TimeSpan.FromMilliseconds(1.5), KeyFingerprint.Of([7]));

    // The same server advertised with a key other than the one pinned for its address.
    private static readonly DiscoveredServer Impostor = Multi with
    {
        Name = "evil", InstanceId = Guid.Parse("25371010-a4ee-4fff-8fc6-d141c0f7a8c4"), KeyFingerprint = KeyFingerprint.Of([8]),
    };

    private static readonly DiscoveredServer Six = new(
        Guid.Parse("15371010-a4ee-4fff-8fc6-d141c0f7a8c4"), "six", "1.0.0", 4, "select", 0, 7000, 0,
        new AdvertisedAddress[] { new(IPAddress.Parse("fd00::5"), 64) },
        new[] { IPAddress.Parse("fd00::5") }, TimeSpan.FromMilliseconds(2));

    [Fact]
    public void The_table_lists_each_server_once_with_all_its_addresses_a_connect_address_and_its_key_against_the_pin()
    {
        // Pins live in the tests' private $XDG_CONFIG_HOME; no other test uses this address.
        new KnownServers(ConfigPaths.KnownServers).Check("10.99.2.65:7777", Multi.KeyFingerprint, trustNewKey: true);
        string key = Multi.KeyFingerprint, other = Impostor.KeyFingerprint;
        Assert.Equal(
            "NAME   CONNECT          ADDRESSES                    UDP   MODE    USERS  VERSION                           KEY" + Environment.NewLine +
            $"multi  10.99.2.65:7777  10.99.4.1/22, 10.99.2.65/26  7777  async   3      1.0.0                             {key} (pinned)" + Environment.NewLine +
            $"evil   10.99.2.65:7777  10.99.4.1/22, 10.99.2.65/26  7777  async   3      1.0.0                             {other} (DIFFERS from the pinned {key})" + Environment.NewLine +
            "six    [fd00::5]:7000   fd00::5/64                   -     select  0      1.0.0 (protocol 4: incompatible)  -" + Environment.NewLine,
            DiscoverCommand.ToTable([Multi, Impostor, Six]));
    }

    [Fact]
    public void The_json_carries_every_field_a_script_needs()
    {
        using var document = JsonDocument.Parse(DiscoverCommand.ToJson([Multi]));
        var server = Assert.Single(document.RootElement.EnumerateArray().ToArray());
        Assert.Equal("multi", server.GetProperty("name").GetString());
        Assert.Equal("10.99.2.65:7777", server.GetProperty("connect").GetString());
        Assert.Equal(new[] { "10.99.4.1", "10.99.2.65" }, server.GetProperty("addresses").EnumerateArray().Select(a => a.GetProperty("address").GetString()!).ToArray());
        Assert.Equal(new[] { 22, 26 }, server.GetProperty("addresses").EnumerateArray().Select(a => a.GetProperty("prefixLength").GetInt32()).ToArray());
        Assert.Equal(7777, server.GetProperty("udpPort").GetInt32());
        Assert.Equal(3, server.GetProperty("users").GetInt32());
        Assert.True(server.GetProperty("compatible").GetBoolean());
        Assert.Equal(Multi.KeyFingerprint, server.GetProperty("keyFingerprint").GetString());
    }

    [Fact]
    public void The_nodes_of_one_cluster_are_one_entry_with_every_address_and_a_connect_list_join_takes()
    {
        var one = Six with { InstanceId = Guid.NewGuid(), Name = "node-a", ProtocolVersion = 1, Users = 2, Cluster = "prod", UdpPort = 7000 };
        var two = one with
        {
            InstanceId = Guid.NewGuid(), Name = "node-b", Mode = "async", Users = 5, TcpPort = 7001, UdpPort = 7001,
            Addresses = new AdvertisedAddress[] { new(IPAddress.Parse("fd00::6"), 64) }, RespondedFrom = new[] { IPAddress.Parse("fd00::6") },
        };
        var other = one with { InstanceId = Guid.NewGuid(), Name = "elsewhere", Cluster = "test" };

        var entries = DiscoverCommand.Entries([one, Six, two, other]);
        Assert.Equal([["node-a", "node-b"], ["six"], ["elsewhere"]], entries.Select(nodes => nodes.Select(n => n.Name).ToArray()).ToArray());
        string table = DiscoverCommand.ToTable([one, Six, two]);
        var row = table.Split(Environment.NewLine)[1];
        Assert.StartsWith("prod (cluster of 2)  [fd00::5]:7000,[fd00::6]:7001  fd00::5/64, fd00::6/64  7000,7001  select/async  7  ", row, StringComparison.Ordinal);

        using var document = JsonDocument.Parse(DiscoverCommand.ToJson([one, two]));
        var cluster = Assert.Single(document.RootElement.EnumerateArray().ToArray());
        Assert.Equal("prod", cluster.GetProperty("cluster").GetString());
        Assert.Equal("[fd00::5]:7000,[fd00::6]:7001", cluster.GetProperty("connect").GetString());
        Assert.Equal(7, cluster.GetProperty("users").GetInt32());
        Assert.Equal(["node-a", "node-b"], cluster.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public void No_servers_is_an_empty_json_array()
    {
        Assert.Equal("[]", DiscoverCommand.ToJson([]));
    }

    [Fact]
    public void The_none_found_hint_names_the_likely_causes_and_the_way_out()
    {
        Assert.Equal(
            "no servers found — is a server running with discovery on (not --no-discovery), on the same subnet, with UDP port 7778 open? You can still join by address: termchat join HOST[:PORT]",
            DiscoverCommand.NoneFoundHint(7778));
    }
}
