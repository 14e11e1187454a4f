using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using TermChat.Client.Discovery;
using TermChat.Client.Security;
using TermChat.Protocol.Discovery;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>`termchat discover [--timeout S] [--json]`: list the TermChat servers on the LAN.</summary>
internal static class DiscoverCommand
{
    public static Command Create()
    {
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for replies.",
            DefaultValueFactory = _ => 2,
        }.InRange(0.01, 60, "from 0.01 to 60 seconds");
        var json = new Option<bool>("--json") { Description = "Print the servers as a JSON array on stdout." };
        var port = new Option<int>("--discovery-port")
        {
            Description = $"The UDP port servers answer discovery on (multicast group {DiscoveryDefaults.MulticastGroup}).",
            DefaultValueFactory = _ => DiscoveryDefaults.Port,
        }.Port();
        var command = new Command("discover",
            $"Find TermChat servers on the LAN: probes by UDP broadcast and multicast ({DiscoveryDefaults.MulticastGroup}:{DiscoveryDefaults.Port}) from every interface; a server reachable over several interfaces is listed once, with all its addresses; the nodes of one cluster are listed as one entry, with every node's address (CONNECT is what `termchat join` takes).\n" +
            "Exit code 0 when at least one server answered, 1 when none did (like grep, so scripts can test it; --json still prints []), 2 for bad arguments.")
        {
            timeout, json, port,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var wait = TimeSpan.FromSeconds(parseResult.GetValue(timeout));
            bool asJson = parseResult.GetValue(json);
            var client = new DiscoveryClient(new DiscoveryClientOptions { Port = parseResult.GetValue(port) });
            var progress = new ProgressLine(Console.Error);
            progress.Show($"searching for TermChat servers for {wait.TotalSeconds:0.#} s...");
            IReadOnlyList<DiscoveredServer> servers;
            var seen = new HashSet<Guid>();
            try
            {
                servers = await client.DiscoverAsync(wait, server =>
                {
                    if (seen.Add(server.InstanceId))
                    {
                        progress.Show($"found {server.Name} at {Format(server.PreferredEndPoint)}, still listening...");
                    }
                }, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                progress.Clear();
                return 130;
            }
            catch (SocketException ex)
            {
                progress.Clear();
                Console.Error.WriteLine($"termchat discover: cannot send discovery probes: {ex.Message}");
                return 1;
            }
            progress.Clear();
            if (asJson)
            {
                Console.Out.WriteLine(ToJson(servers));
            }
            else if (servers.Count > 0)
            {
                Console.Out.Write(ToTable(servers));
            }
            if (servers.Count == 0)
            {
                Console.Error.WriteLine(NoneFoundHint(parseResult.GetValue(port)));
                return ExitNoneFound;
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Exit code when no server answered. Not 0: "is there a server?" is the question a script asks, and
    /// `termchat discover --json >servers.json || …` should be able to tell "none" from "some" (grep does the same).
    /// </summary>
    public const int ExitNoneFound = 1;

    /// <summary>The hint printed when nothing answered.</summary>
    public static string NoneFoundHint(int port) =>
        $"no servers found — is a server running with discovery on (not --no-discovery), on the same subnet, with UDP port {port} open? " +
        "You can still join by address: termchat join HOST[:PORT]";

    /// <summary>HOST:PORT with IPv6 in brackets, as join accepts it.</summary>
    public static string Format(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : $"{endPoint.Address}:{endPoint.Port}";

    /// <summary>
    /// The entries discover lists: a server on its own is one; the nodes of one cluster (same cluster name in their
    /// replies) are one, in the order the first of them answered.
    /// </summary>
    internal static List<List<DiscoveredServer>> Entries(IReadOnlyList<DiscoveredServer> servers) =>
        [.. servers.GroupBy(s => s.Cluster.Length == 0 ? $"server {s.InstanceId}" : $"cluster {s.Cluster}").Select(nodes => nodes.ToList())];

    /// <summary>Every node's address to connect to, comma-separated, as <c>termchat join</c> takes them.</summary>
    internal static string Connect(IEnumerable<DiscoveredServer> nodes) => string.Join(',', nodes.Select(s => Format(s.PreferredEndPoint)));

    internal static string ToTable(IReadOnlyList<DiscoveredServer> servers)
    {
        var rows = new List<string[]> { new[] { "NAME", "CONNECT", "ADDRESSES", "UDP", "MODE", "USERS", "VERSION", "KEY" } };
        foreach (var nodes in Entries(servers))
        {
            var s = nodes[0];
            rows.Add([
                s.Cluster.Length == 0 ? s.Name : $"{s.Cluster} (cluster of {nodes.Count})",
                Connect(nodes),
                string.Join(", ", nodes.SelectMany(n => n.Addresses).Select(a => a.ToString()).Distinct()),
                string.Join(",", nodes.Select(n => n.UdpPort == 0 ? "-" : n.UdpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct()),
                string.Join("/", nodes.Select(n => n.Mode).Distinct()),
                nodes.Sum(n => (long)n.Users).ToString(System.Globalization.CultureInfo.InvariantCulture),
                string.Join(", ", nodes.Select(n => n.IsCompatible ? n.AppVersion : $"{n.AppVersion} (protocol {n.ProtocolVersion}: incompatible)").Distinct()),
                string.Join("; ", nodes.Select(KeyColumn).Distinct()),
            ]);
        }
        int[] widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        }
        return text.ToString();
    }

    /// <summary>The advertised key, and how it compares with the key pinned for the address discover shows.</summary>
    private static string KeyColumn(DiscoveredServer server)
    {
        if (server.KeyFingerprint.Length == 0) return "-";
        return PinStatus(server) switch
        {
            null => $"{server.KeyFingerprint} (not pinned yet)",
            var pinned when pinned == server.KeyFingerprint => $"{server.KeyFingerprint} (pinned)",
            var pinned => $"{server.KeyFingerprint} (DIFFERS from the pinned {pinned})",
        };
    }

    private static string? PinStatus(DiscoveredServer server)
    {
        try
        {
            return new KnownServers(ConfigPaths.KnownServers).Find(Format(server.PreferredEndPoint));
        }
        catch (IOException)
        {
            return null;
        }
    }

    // JsonNode rather than serialising anonymous types: it needs no reflection, so trimmed and AOT builds keep it.
    internal static string ToJson(IReadOnlyList<DiscoveredServer> servers) => new JsonArray(
        Entries(servers).Select(nodes => nodes[0].Cluster.Length == 0 ? ServerJson(nodes[0]) : new JsonObject
        {
            ["cluster"] = nodes[0].Cluster,
            ["connect"] = Connect(nodes),
            ["users"] = nodes.Sum(n => (long)n.Users),
            ["nodes"] = new JsonArray([.. nodes.Select(ServerJson)]),
        }).ToArray()).ToJsonString(CliJson.Indented);

    private static JsonNode ServerJson(DiscoveredServer s) => new JsonObject
        {
            ["name"] = s.Name,
            ["instanceId"] = s.InstanceId,
            ["version"] = s.AppVersion,
            ["protocolVersion"] = s.ProtocolVersion,
            ["compatible"] = s.IsCompatible,
            ["mode"] = s.Mode,
            ["users"] = s.Users,
            ["tcpPort"] = s.TcpPort,
            ["udpPort"] = s.UdpPort == 0 ? null : s.UdpPort,
            ["connect"] = Format(s.PreferredEndPoint),
            ["addresses"] = new JsonArray(s.Addresses.Select(a => (JsonNode)new JsonObject
            {
                ["address"] = a.Address.ToString(),
                ["prefixLength"] = a.PrefixLength,
            }).ToArray()),
            ["respondedFrom"] = new JsonArray(s.RespondedFrom.Select(a => (JsonNode)JsonValue.Create(a.ToString())).ToArray()),
            ["rttMs"] = Math.Round(s.RoundTrip.TotalMilliseconds, 3),
            ["keyFingerprint"] = s.KeyFingerprint.Length == 0 ? null : s.KeyFingerprint,
            ["pinnedKey"] = s.KeyFingerprint.Length == 0 ? null : PinStatus(s),
        };
}
