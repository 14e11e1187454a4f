namespace TermChat.Client.Diagnostics;

/// <summary>Turns measurements into a few plain sentences: the overall answer first, then what to do.</summary>
internal static class NetworkVerdict
{
    // Thresholds for "fine for chat": generous, since chat is not a game or a call.
    private const double SlowRttMs = 150;
    private const double HighJitterMs = 30;
    private const double NoticeableLossPercent = 2;
    private const int SmallPayload = 1200;

    public static string For(NetworkCheckReport report)
    {
        if (report.ResolveError is not null)
        {
            return $"Cannot check {report.Host}: {report.ResolveError}.";
        }
        var notes = new List<string>();
        string headline;
        if (report.Tcp is null || report.Tcp.Received == 0)
        {
            headline = $"No TermChat server answers on TCP {Format(report)}" + (report.TcpError is null ? "." : $": {report.TcpError}.");
        }
        else
        {
            var problems = Problems(report.Tcp, "TCP");
            if (report.Udp is { Received: > 0 } udp)
            {
                problems.AddRange(Problems(udp, "UDP"));
            }
            headline = problems.Count == 0
                ? $"Good: the link to {report.Host} is fine for chat (TCP round trip {report.Tcp.AvgMs:0.#} ms{UdpPart(report)})."
                : $"Usable, but {string.Join("; ", problems)}.";
        }

        if (report.Udp is null || report.Udp.Received == 0)
        {
            notes.Add($"UDP on port {report.Port} got no answer{(report.UdpError is null ? "" : $" ({report.UdpError})")}: " +
                "the server may not serve UDP, or a firewall drops it; use --transport tcp.");
        }
        else if (report.EchoError is not null)
        {
            // The chat port answered, so UDP works; only the size measurement, which needs the discovery port, is missing.
            notes.Add($"The discovery port {report.DiscoveryPort} did not answer netcheck's echo, so datagram sizes were not measured " +
                "(the server may run with --no-discovery or another --discovery-port; netcheck --discovery-port N).");
        }
        else if (report.LargestUdpPayload is { } largest && largest < SmallPayload)
        {
            notes.Add($"Only {largest}-byte UDP datagrams get through unfragmented; the path MTU is small (VPN or tunnel?).");
        }
        if (report.FragmentedArrives == false)
        {
            notes.Add($"Fragmented UDP datagrams ({report.FragmentedPayload} bytes) do not arrive: keep datagrams under {report.LargestUdpPayload} bytes.");
        }
        if (report.DiscoveryUnicast == false && report.Udp is { Received: > 0 } && report.EchoError is null)
        {
            notes.Add("The host echoes UDP but does not answer discovery probes.");
        }
        if (report.DiscoveryUnicast == true && report.DiscoveryBroadcast == false)
        {
            notes.Add("Discovery works only when asked directly: broadcast and multicast do not reach the host (another subnet, or filtered), " +
                "so 'termchat discover' will not list it; join it by address.");
        }
        return notes.Count == 0 ? headline : headline + " " + string.Join(" ", notes);
    }

    private static string UdpPart(NetworkCheckReport report) => report.Udp is { Received: > 0 } udp
        ? $", UDP {udp.AvgMs:0.#} ms" + (report.LargestUdpPayload is { } largest ? $", UDP datagrams up to {largest} bytes" : "")
        : "";

    private static List<string> Problems(LatencyStats stats, string over)
    {
        var problems = new List<string>();
        if (stats.LossPercent >= NoticeableLossPercent)
        {
            problems.Add($"{stats.LossPercent:0.#}% of {over} round trips were lost");
        }
        if (stats.AvgMs >= SlowRttMs)
        {
            problems.Add($"{over} round trips are slow ({stats.AvgMs:0} ms)");
        }
        if (stats.JitterMs >= HighJitterMs)
        {
            problems.Add($"{over} delay varies a lot (jitter {stats.JitterMs:0} ms)");
        }
        return problems;
    }

    private static string Format(NetworkCheckReport report) =>
        report.Address is { } address
            ? (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{report.Port}" : $"{address}:{report.Port}")
            : $"{report.Host}:{report.Port}";
}
