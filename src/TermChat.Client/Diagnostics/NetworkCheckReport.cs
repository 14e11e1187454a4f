using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TermChat.Client.Diagnostics;

/// <summary>What a <see cref="NetworkCheck"/> found. A null section was not measured (an earlier step failed).</summary>
/// <param name="Host">The host as given.</param>
/// <param name="Port">The TCP chat port.</param>
/// <param name="DiscoveryPort">The UDP discovery and echo port.</param>
/// <param name="Address">The address checked, once the name resolved.</param>
/// <param name="ResolveError">Why the name did not resolve.</param>
/// <param name="TcpConnectMs">How long the TCP connect took.</param>
/// <param name="Tcp">Ping/pong round trips over the TermChat protocol.</param>
/// <param name="TcpMethod">How pings were answered: "before-handshake" or "session".</param>
/// <param name="TcpError">Why TCP could not be measured.</param>
/// <param name="Udp">Round trips over UDP to the chat port (<paramref name="Port"/>): datagram handshakes.</param>
/// <param name="UdpError">Why UDP could not be measured.</param>
/// <param name="EchoError">Why the echo on the discovery port, which measures datagram sizes, got no answer.</param>
/// <param name="LargestUdpPayload">The largest UDP payload that arrived intact without fragmentation, both ways.</param>
/// <param name="FragmentedPayload">The fragmented payload size tried when the largest was below the maximum.</param>
/// <param name="FragmentedArrives">Whether that fragmented payload arrived intact.</param>
/// <param name="DiscoveryUnicast">Whether a discovery probe sent straight to the host was answered.</param>
/// <param name="DiscoveryBroadcast">Whether LAN discovery (broadcast and multicast) found the host; null when it does not apply (loopback, IPv6).</param>
/// <param name="ServerName">The name the server gave in its discovery reply.</param>
/// <param name="Verdict">A short summary in plain words.</param>
public sealed record NetworkCheckReport(
    string Host,
    int Port,
    int DiscoveryPort,
    IPAddress? Address,
    string? ResolveError,
    double? TcpConnectMs,
    LatencyStats? Tcp,
    string? TcpMethod,
    string? TcpError,
    LatencyStats? Udp,
    string? UdpError,
    string? EchoError,
    int? LargestUdpPayload,
    int? FragmentedPayload,
    bool? FragmentedArrives,
    bool? DiscoveryUnicast,
    bool? DiscoveryBroadcast,
    string? ServerName,
    string Verdict)
{
    /// <summary>The report as the lines `termchat netcheck` and `/netcheck` print: a title, one line per measurement, the verdict.</summary>
    public IReadOnlyList<string> ToLines()
    {
        var lines = new List<string>();
        string target = Address is null ? $"{Host}:{Port}" : Show(new IPEndPoint(Address, Port));
        lines.Add($"netcheck {target}{(ServerName is null ? "" : $" ({ServerName})")}");
        if (Address is not null)
        {
            string tcp = Tcp is null
                ? $"failed: {TcpError}"
                : string.Create(CultureInfo.InvariantCulture, $"connect {TcpConnectMs:0.###} ms; {Tcp}") + (TcpMethod == "session" ? " (in a short session)" : "");
            lines.Add($"  TCP        {tcp}");
            lines.Add(Udp is null || Udp.Received == 0
                ? $"  UDP        port {Port}: no answer{(UdpError is null ? "" : $" ({UdpError})")}"
                : $"  UDP        port {Port}: {Udp}");
            if (Udp is { Received: > 0 })
            {
                string size = EchoError is not null ? $"not measured: no echo on discovery port {DiscoveryPort} ({EchoError})"
                    : LargestUdpPayload is { } largest ? $"{largest} bytes arrive intact without fragmentation"
                    : "no size could be measured";
                if (FragmentedArrives is { } arrives)
                {
                    size += $"; fragmented {FragmentedPayload}-byte datagrams {(arrives ? "arrive" : "do not arrive")}";
                }
                lines.Add($"  Datagrams  {size}");
            }
            string discovery = $"direct probe {(DiscoveryUnicast == true ? "answered" : "not answered")}";
            if (DiscoveryBroadcast is { } broadcast)
            {
                discovery += broadcast ? "; broadcast/multicast reach the host" : "; broadcast/multicast do not reach the host";
            }
            lines.Add($"  Discovery  {discovery}");
        }
        lines.Add($"Verdict: {Verdict}");
        return lines;
    }

    private static string Show(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : $"{endPoint.Address}:{endPoint.Port}";
}
