using System.Net;
using System.Net.Sockets;
using TermChat.Client.Discovery;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Discovery;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Diagnostics;

/// <summary>
/// `termchat netcheck` and `/netcheck`: round trip, jitter and loss over TCP (TermChat Ping/Pong) and over the UDP
/// port the server chats on (datagram handshakes to the TCP port number, where the server serves UDP), the largest
/// UDP payload that arrives intact (echoes to the discovery port), and whether discovery traffic reaches the host;
/// then a verdict in plain words.
/// </summary>
public sealed class NetworkCheck
{
    private readonly NetworkCheckOptions _options;

    /// <summary>Creates a check of <see cref="NetworkCheckOptions.Host"/>.</summary>
    public NetworkCheck(NetworkCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Runs every step; <paramref name="progress"/> gets a short line as each step starts and ends.</summary>
    public async Task<NetworkCheckReport> RunAsync(Action<string>? progress, CancellationToken cancellationToken)
    {
        var report = new NetworkCheckReport(_options.Host, _options.Port, _options.DiscoveryPort, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, "");
        progress?.Invoke($"resolving {_options.Host}");
        var (address, resolveError) = await ResolveAsync(_options.Host, cancellationToken).ConfigureAwait(false);
        report = report with { Address = address, ResolveError = resolveError };
        if (address is not null)
        {
            report = await CheckTcpAsync(report, address, progress, cancellationToken).ConfigureAwait(false);
            report = await CheckUdpAsync(report, address, progress, cancellationToken).ConfigureAwait(false);
            report = await CheckDiscoveryAsync(report, address, progress, cancellationToken).ConfigureAwait(false);
        }
        return report with { Verdict = NetworkVerdict.For(report) };
    }

    private static async Task<(IPAddress? Address, string? Error)> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return (literal, null);
        }
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            // IPv4 first: discovery and the echo's payload search are most telling there.
            var chosen = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault();
            return chosen is null ? (null, $"the name '{host}' has no addresses") : (chosen, null);
        }
        catch (SocketException ex)
        {
            return (null, $"the name '{host}' does not resolve ({ex.SocketErrorCode})");
        }
    }

    private async Task<NetworkCheckReport> CheckTcpAsync(NetworkCheckReport report, IPAddress address, Action<string>? progress, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(address, _options.Port);
        progress?.Invoke($"TCP: connecting to {Show(endPoint)}");
        try
        {
            var (pinger, connectMs) = await TcpPinger.ConnectAsync(endPoint, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            report = report with { TcpConnectMs = connectMs };
            string method = "before-handshake";
            await using (pinger.ConfigureAwait(false))
            {
                var first = await FirstPingAsync(pinger, cancellationToken).ConfigureAwait(false);
                if (first is null)
                {
                    // This server wants Hello first: use a short session that joins no room.
                    method = "session";
                    var (session, _) = await TcpPinger.ConnectAsync(endPoint, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                    await using (session.ConfigureAwait(false))
                    {
                        await HelloAsync(session, cancellationToken).ConfigureAwait(false);
                        var stats = await PingSeriesAsync(session, null, progress, reconnect: null, cancellationToken).ConfigureAwait(false);
                        await session.SendAsync(new Bye("netcheck done"), cancellationToken).ConfigureAwait(false);
                        return report with { Tcp = stats, TcpMethod = method };
                    }
                }
                var series = await PingSeriesAsync(pinger, first.Value, progress,
                    async () => (await TcpPinger.ConnectAsync(endPoint, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false)).Pinger,
                    cancellationToken).ConfigureAwait(false);
                return report with { Tcp = series, TcpMethod = method };
            }
        }
        catch (SocketException ex)
        {
            return report with { TcpError = Describe(ex.SocketErrorCode, "TCP") };
        }
        catch (ProtocolException ex)
        {
            return report with { TcpError = $"the peer does not speak TermChat ({ex.Message})" };
        }
        catch (ChatConnectException ex)
        {
            // TLS failed: a changed server key, or a peer that does not speak TLS.
            return report with { TcpError = ex.Reason };
        }
    }

    // Null when the server does not answer a Ping before Hello (it closes, or reports that Hello is required).
    private async Task<double?> FirstPingAsync(TcpPinger pinger, CancellationToken cancellationToken)
    {
        try
        {
            return await pinger.PingAsync(NextNonce(), TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (ProtocolException ex) when (ex.Code is ErrorCode.HandshakeRequired or ErrorCode.MalformedFrame or ErrorCode.UnknownType)
        {
            return null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            return null;
        }
    }

    private async Task HelloAsync(TcpPinger session, CancellationToken cancellationToken)
    {
        string nick = $"netcheck-{Random.Shared.Next(0x1000, 0x10000):x4}";
        await session.SendAsync(new Hello(ProtocolLimits.MinVersion, nick, ResumeToken.None, ValueList<RoomCursor>.Empty), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            switch (await session.ReceiveAsync(_options.ConnectTimeout, cancellationToken).ConfigureAwait(false))
            {
                case Welcome:
                    return;
                case Error error:
                    throw new ProtocolException(error.Code, $"the server refused a session: {error.Text}");
                case null:
                    throw new ProtocolException(ErrorCode.HandshakeTimeout, "no welcome after hello");
            }
        }
    }

    // Without a session (reconnect given), the server's handshake timeout still runs and ends the connection
    // (PROTOCOL.md section 4): the series then goes on over a fresh connection, once per sample at most.
    private async Task<LatencyStats> PingSeriesAsync(TcpPinger pinger, double? first, Action<string>? progress,
        Func<Task<TcpPinger>>? reconnect, CancellationToken cancellationToken)
    {
        var samples = new List<double?>();
        if (first is not null)
        {
            samples.Add(first);
        }
        TcpPinger? replacement = null;
        int reconnects = 0;
        try
        {
            while (samples.Count < _options.Samples)
            {
                if (samples.Count > 0)
                {
                    await Task.Delay(_options.TcpInterval, cancellationToken).ConfigureAwait(false);
                }
                try
                {
                    samples.Add(await (replacement ?? pinger).PingAsync(NextNonce(), _options.SampleTimeout, cancellationToken).ConfigureAwait(false));
                }
                catch (ProtocolException ex) when (ex.Code == ErrorCode.HandshakeTimeout && reconnect is not null && reconnects++ < _options.Samples)
                {
                    if (replacement is not null)
                    {
                        await replacement.DisposeAsync().ConfigureAwait(false);
                    }
                    replacement = null; // already disposed, should the reconnect fail
                    replacement = await reconnect().ConfigureAwait(false);
                    continue;
                }
                catch (SocketException)
                {
                    // The connection broke mid-run: the remaining samples are lost.
                    while (samples.Count < _options.Samples)
                    {
                        samples.Add(null);
                    }
                }
                Report(progress, "TCP", samples);
            }
        }
        finally
        {
            if (replacement is not null)
            {
                await replacement.DisposeAsync().ConfigureAwait(false);
            }
        }
        return LatencyStats.From(samples);
    }

    // Round trips over the UDP port the chat uses, so the verdict about the UDP transport is about that port.
    private async Task<NetworkCheckReport> CheckUdpAsync(NetworkCheckReport report, IPAddress address, Action<string>? progress, CancellationToken cancellationToken)
    {
        var target = new IPEndPoint(address, _options.Port);
        progress?.Invoke($"UDP: datagram handshakes with {Show(target)}");
        using var probe = new UdpChatProbe(target);
        var samples = new List<double?>();
        try
        {
            while (samples.Count < _options.Samples)
            {
                if (samples.Count > 0)
                {
                    await Task.Delay(_options.Interval, cancellationToken).ConfigureAwait(false);
                }
                samples.Add(await probe.RoundTripAsync(_options.SampleTimeout, cancellationToken).ConfigureAwait(false));
                Report(progress, "UDP", samples);
                if (samples.Count >= 3 && samples.All(s => s is null))
                {
                    // Three silent handshakes in a row: nothing answers; do not spend the whole run waiting.
                    return report with { Udp = LatencyStats.From(samples), UdpError = "no answer to the datagram handshake" };
                }
            }
        }
        catch (SocketException ex)
        {
            return report with { Udp = LatencyStats.From(samples), UdpError = Describe(ex.SocketErrorCode, "UDP") };
        }
        return await CheckDatagramSizesAsync(report with { Udp = LatencyStats.From(samples) }, address, progress, cancellationToken).ConfigureAwait(false);
    }

    // The largest datagram that arrives intact, found with echoes of chosen sizes to the discovery port (the chat
    // port only answers the datagram protocol, whose datagrams are at most 1200 bytes).
    private async Task<NetworkCheckReport> CheckDatagramSizesAsync(NetworkCheckReport report, IPAddress address, Action<string>? progress, CancellationToken cancellationToken)
    {
        var target = new IPEndPoint(address, _options.DiscoveryPort);
        progress?.Invoke($"UDP: echo to {Show(target)} to measure datagram sizes");
        using var probe = new UdpEchoProbe(target);
        try
        {
            if (!await probe.FitsAsync(64, _options.TriesPerSize, _options.SizeTimeout, cancellationToken).ConfigureAwait(false))
            {
                return report with { EchoError = "no echo reply" };
            }
        }
        catch (SocketException ex)
        {
            return report with { EchoError = Describe(ex.SocketErrorCode, "UDP") };
        }

        int max = address.AddressFamily == AddressFamily.InterNetwork ? _options.MaxUdpPayload : _options.MaxUdpPayload - 20;
        int? largest = null;
        if (probe.TrySetDontFragment(true))
        {
            try
            {
                largest = await probe.LargestFittingAsync(512, max, _options.TriesPerSize, _options.SizeTimeout,
                    size => progress?.Invoke($"UDP: trying {size}-byte datagrams"), cancellationToken).ConfigureAwait(false);
                if (largest is null)
                {
                    largest = await probe.LargestFittingAsync(DiscoveryDefaults.EchoHeaderBytes, 511, _options.TriesPerSize, _options.SizeTimeout,
                        size => progress?.Invoke($"UDP: trying {size}-byte datagrams"), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (SocketException ex)
            {
                return report with { UdpError = Describe(ex.SocketErrorCode, "UDP") };
            }
        }
        report = report with { LargestUdpPayload = largest };
        progress?.Invoke(largest is { } l ? $"UDP: largest unfragmented datagram {l} bytes" : "UDP: no datagram size got through");
        if (largest is { } fits && fits < max && probe.TrySetDontFragment(false))
        {
            progress?.Invoke($"UDP: trying a fragmented {max}-byte datagram");
            bool arrives;
            try
            {
                arrives = await probe.FitsAsync(max, _options.TriesPerSize, _options.SizeTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                arrives = false;
            }
            report = report with { FragmentedPayload = max, FragmentedArrives = arrives };
        }
        return report;
    }

    private async Task<NetworkCheckReport> CheckDiscoveryAsync(NetworkCheckReport report, IPAddress address, Action<string>? progress, CancellationToken cancellationToken)
    {
        var options = _options.Discovery ?? new DiscoveryClientOptions { Port = _options.DiscoveryPort };
        var client = new DiscoveryClient(options);
        progress?.Invoke($"discovery: probing {address} directly");
        DiscoveredServer? direct;
        try
        {
            direct = await client.ProbeAsync(address, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            direct = null;
        }
        report = report with { DiscoveryUnicast = direct is not null, ServerName = direct?.Name };
        if (address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(address))
        {
            return report; // LAN discovery is IPv4 broadcast and multicast; it does not apply to loopback or IPv6.
        }
        progress?.Invoke("discovery: listening for broadcast and multicast replies");
        IReadOnlyList<DiscoveredServer> found;
        try
        {
            found = await client.DiscoverAsync(_options.DiscoveryTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            found = [];
        }
        bool reached = found.Any(s => (direct is not null && s.InstanceId == direct.InstanceId)
            || s.RespondedFrom.Contains(address) || s.Addresses.Any(a => a.Address.Equals(address)));
        return report with { DiscoveryBroadcast = reached, ServerName = report.ServerName ?? found.FirstOrDefault(s => s.RespondedFrom.Contains(address))?.Name };
    }

    private void Report(Action<string>? progress, string over, List<double?> samples)
    {
        if (progress is null)
        {
            return;
        }
        var last = samples[^1];
        progress($"{over}: round trip {samples.Count}/{_options.Samples}, {(last is { } ms ? $"{ms:0.###} ms" : "lost")}");
    }

    private static ulong NextNonce() => (ulong)Random.Shared.NextInt64();

    private static string Show(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : endPoint.ToString();

    private static string Describe(SocketError error, string over) => error switch
    {
        SocketError.ConnectionRefused => over == "TCP"
            ? "connection refused (is the server running?)"
            : "nothing listens there (ICMP port unreachable)",
        SocketError.TimedOut => "timed out (is the host up, and is a firewall dropping the port?)",
        SocketError.HostUnreachable or SocketError.HostDown => "host unreachable",
        SocketError.NetworkUnreachable or SocketError.NetworkDown => "network unreachable",
        _ => $"{over} error {error}",
    };
}
