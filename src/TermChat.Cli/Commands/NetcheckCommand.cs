using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TermChat.Client.Diagnostics;
using TermChat.Client.Transports;
using TermChat.Protocol.Discovery;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>`termchat netcheck HOST[:PORT]`: measure the network path to a server and say what it means.</summary>
internal static class NetcheckCommand
{
    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "The server as HOST[:PORT] (default port 7777), e.g. 10.0.0.5, lab.lan:7000, [::1]:7777." };
        var count = new Option<int>("--count", "-c") { Description = "Round trips to measure over each of TCP and UDP.", DefaultValueFactory = _ => 20 }.InRange(1, 1000);
        var discoveryPort = new Option<int>("--discovery-port")
        {
            Description = "The server's UDP discovery port, which also answers the echo that measures datagram sizes.",
            DefaultValueFactory = _ => DiscoveryDefaults.Port,
        }.Port();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var command = new Command("netcheck",
            "Check the network path to a server: round trip, jitter and loss over TCP and over UDP on the same port (the one the chat uses), " +
            "the largest UDP datagram that arrives intact (echoes to the discovery port), " +
            "and whether discovery reaches it; then a verdict in plain words. The UDP round trips are the datagram layer's stateless cookie exchange, " +
            "which a server answers in plaintext whatever its encryption policy (no session, no chat). Exit code 0 when a server answered over TCP, 1 when not, 2 for bad arguments.")
        {
            address, count, discoveryPort, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!TryParseAddress(parseResult.GetValue(address), out string host, out int port, out string? error))
            {
                throw new UsageException(error!);
            }
            var check = new NetworkCheck(new NetworkCheckOptions
            {
                Host = host,
                Port = port,
                DiscoveryPort = parseResult.GetValue(discoveryPort),
                Samples = parseResult.GetValue(count),
            });
            var progress = new ProgressLine(Console.Error, "netcheck: ");
            NetworkCheckReport report;
            try
            {
                report = await check.RunAsync(progress.Show, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                progress.Clear();
                return 130;
            }
            progress.Clear();
            Console.Out.Write(parseResult.GetValue(json) ? ToJson(report) + Environment.NewLine : ToText(report));
            return report.Tcp is { Received: > 0 } ? 0 : 1;
        });
        return command;
    }

    // HOST[:PORT] exactly as `join` reads it.
    internal static bool TryParseAddress(string? text, out string host, out int port, out string? error)
    {
        if (ChatEndpoint.TryParse(text, out var endpoint, out error))
        {
            (host, port) = (endpoint.Host, endpoint.Port);
            return true;
        }
        (host, port) = ("", 0);
        return false;
    }

    internal static string ToText(NetworkCheckReport r) => string.Join(Environment.NewLine, r.ToLines()) + Environment.NewLine;

    // JsonNode rather than serialising anonymous types: it needs no reflection, so trimmed and AOT builds keep it.
    internal static string ToJson(NetworkCheckReport r) => new JsonObject
    {
        ["host"] = r.Host,
        ["port"] = r.Port,
        ["discoveryPort"] = r.DiscoveryPort,
        ["address"] = r.Address?.ToString(),
        ["resolveError"] = r.ResolveError,
        ["serverName"] = r.ServerName,
        ["tcp"] = r.Tcp is null ? null : Stats(r.Tcp),
        ["tcpConnectMs"] = r.TcpConnectMs is { } c ? Math.Round(c, 3) : null,
        ["tcpMethod"] = r.TcpMethod,
        ["tcpError"] = r.TcpError,
        ["udpPort"] = r.Port,
        ["udp"] = r.Udp is null ? null : Stats(r.Udp),
        ["udpError"] = r.UdpError,
        ["echoError"] = r.EchoError,
        ["largestUdpPayload"] = r.LargestUdpPayload,
        ["fragmentedPayload"] = r.FragmentedPayload,
        ["fragmentedArrives"] = r.FragmentedArrives,
        ["discoveryUnicast"] = r.DiscoveryUnicast,
        ["discoveryBroadcast"] = r.DiscoveryBroadcast,
        ["verdict"] = r.Verdict,
    }.ToJsonString(CliJson.Indented);

    private static JsonObject Stats(LatencyStats s) => new()
    {
        ["sent"] = s.Sent,
        ["received"] = s.Received,
        ["lossPercent"] = Math.Round(s.LossPercent, 1),
        ["minMs"] = Math.Round(s.MinMs, 3),
        ["avgMs"] = Math.Round(s.AvgMs, 3),
        ["maxMs"] = Math.Round(s.MaxMs, 3),
        ["jitterMs"] = Math.Round(s.JitterMs, 3),
    };
}
