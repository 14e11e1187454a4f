using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Protocol;
using TermChat.Protocol.Discovery;

namespace TermChat.Server.Discovery;

/// <summary>
/// Answers LAN discovery probes (broadcast, multicast or unicast) and netcheck echo requests on one UDP port.
/// A reply is never larger than the request that caused it, and each source address gets a bounded reply
/// rate, so the responder cannot be used to amplify traffic. It knows nothing of the chat: what it says about
/// the server comes from a <see cref="DiscoveryStatus"/> delegate.
/// </summary>
public sealed class DiscoveryResponder : IAsyncDisposable
{
    private const int MaxTrackedSources = 4096;

    private readonly DiscoveryResponderOptions _options;
    private readonly Func<DiscoveryStatus> _status;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _loops = [];
    private readonly Lock _lock = new();
    private readonly SourceRateLimiter _probeLimiter;
    private readonly SourceRateLimiter _echoLimiter;
    private readonly HashSet<int> _joinedInterfaces = [];
    private IReadOnlyList<LocalAddress> _addresses = [];
    private long _addressesStamp;
    private Socket? _ipv4;
    private int _started;
    private int _disposed;

    /// <summary>Creates a responder; call <see cref="Start"/> to bind it.</summary>
    /// <param name="options">Ports, bind address and limits.</param>
    /// <param name="status">Called for each probe: the server's name, mode and user count right now.</param>
    /// <param name="logger">Where to log; nothing is logged when null.</param>
    /// <param name="time">The clock of the rate limits; the system clock when null.</param>
    public DiscoveryResponder(DiscoveryResponderOptions options, Func<DiscoveryStatus> status, ILogger<DiscoveryResponder>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(status);
        _options = options;
        _status = status;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _probeLimiter = new SourceRateLimiter(options.ProbesPerSecond, options.ProbesPerSecond * 2, MaxTrackedSources, _time);
        _echoLimiter = new SourceRateLimiter(options.EchoesPerSecond, options.EchoesPerSecond * 2, MaxTrackedSources, _time);
    }

    /// <summary>The UDP port the responder answers on (useful when <see cref="DiscoveryResponderOptions.Port"/> is 0).</summary>
    public int Port { get; private set; }

    /// <summary>The interfaces (by index) whose multicast group membership is held.</summary>
    public IReadOnlyCollection<int> MulticastInterfaces
    {
        get
        {
            lock (_lock)
            {
                return [.. _joinedInterfaces];
            }
        }
    }

    /// <summary>Binds the UDP sockets and starts answering.</summary>
    /// <exception cref="SocketException">The discovery port cannot be bound.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The discovery responder is already started.");
        }
        var bind = _options.BindAddress;
        bool v4 = !bind.Equals(IPAddress.IPv6Loopback);
        bool v6 = Socket.OSSupportsIPv6 && bind.AddressFamily == AddressFamily.InterNetworkV6;
        int port = _options.Port;
        try
        {
            if (v4)
            {
                var local = IPAddress.IsLoopback(bind) && bind.AddressFamily == AddressFamily.InterNetwork ? bind : IPAddress.Any;
                _ipv4 = Bind(AddressFamily.InterNetwork, local, port);
                port = ((IPEndPoint)_ipv4.LocalEndPoint!).Port;
                RefreshAddresses(force: true);
            }
            if (v6)
            {
                var local = bind.Equals(IPAddress.IPv6Loopback) ? bind : IPAddress.IPv6Any;
                try
                {
                    var socket = Bind(AddressFamily.InterNetworkV6, local, port);
                    port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                }
                catch (SocketException ex) when (_ipv4 is not null)
                {
                    // IPv4 discovery still works; only unicast netcheck over IPv6 is lost.
                    Log.DiscoveryIpv6Unavailable(_logger, port, ex.SocketErrorCode);
                }
            }
        }
        catch
        {
            CloseSockets();
            throw;
        }
        Port = port;
        foreach (var socket in _sockets)
        {
            _loops.Add(Task.Run(() => ReceiveLoopAsync(socket, _stop.Token)));
        }
        _loops.Add(Task.Run(() => RefreshLoopAsync(_stop.Token)));
        Log.DiscoveryStarted(_logger, port, _options.MulticastGroup?.ToString() ?? "none", MulticastInterfaces.Count);
    }

    private Socket Bind(AddressFamily family, IPAddress local, int port)
    {
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Several servers on one host can all answer broadcasts and multicast on the shared port.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (family == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }
            socket.Bind(new IPEndPoint(local, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _sockets.Add(socket);
        return socket;
    }

    private async Task ReceiveLoopAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[DiscoveryDefaults.MaxDatagramBytes + 1];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult received;
            try
            {
                received = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // An ICMP error from an earlier reply, for example; it concerns that peer only.
                Log.DiscoveryReceiveFailed(_logger, ex.SocketErrorCode);
                continue;
            }
            try
            {
                Handle(socket, buffer.AsSpan(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, received.PacketInformation.Interface);
            }
            catch (SocketException ex)
            {
                Log.DiscoverySendFailed(_logger, (IPEndPoint)received.RemoteEndPoint, ex.SocketErrorCode);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
        }
    }

    // Interfaces come and go (a cable plugged in, a VPN up): join the group on new ones even if no probe arrives.
    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.AddressRefresh, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                RefreshAddresses(force: true);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Handle(Socket socket, ReadOnlySpan<byte> datagram, IPEndPoint from, int arrivalInterface)
    {
        if (!DiscoveryCodec.TryParse(datagram, out var message))
        {
            Log.DiscoveryIgnored(_logger, from, datagram.Length);
            return;
        }
        switch (message)
        {
            case DiscoveryProbe probe:
                if (!TryAcquire(_probeLimiter, from.Address))
                {
                    Log.DiscoveryRateLimited(_logger, from);
                    return;
                }
                Reply(socket, CreateReply(probe, arrivalInterface), datagram.Length, from);
                break;
            case EchoRequest request:
                if (!TryAcquire(_echoLimiter, from.Address))
                {
                    Log.DiscoveryRateLimited(_logger, from);
                    return;
                }
                int length = Math.Min(request.ReplyLength, datagram.Length);
                Reply(socket, new EchoReply(request.Nonce, request.Sequence, datagram.Length, request.Intact, length), datagram.Length, from);
                break;
            default:
                // Replies are for probers, not for responders.
                break;
        }
    }

    private void Reply(Socket socket, DiscoveryMessage reply, int requestLength, IPEndPoint to)
    {
        byte[] bytes = DiscoveryCodec.ToArray(reply);
        if (bytes.Length > requestLength)
        {
            // Unreachable by construction (probes are padded, echo replies capped); never amplify regardless.
            return;
        }
        socket.SendTo(bytes, SocketFlags.None, to);
    }

    internal DiscoveryReply CreateReply(DiscoveryProbe probe, int arrivalInterface)
    {
        var status = _status();
        var addresses = LocalInterfaces.SelectAdvertised(RefreshAddresses(force: false), _options.BindAddress, arrivalInterface);
        var reply = new DiscoveryReply(
            probe.Nonce,
            _options.InstanceId,
            ProtocolLimits.Version,
            DiscoveryCodec.Truncate(_options.AppVersion, DiscoveryDefaults.MaxVersionBytes),
            DiscoveryCodec.Truncate(status.Name, DiscoveryDefaults.MaxNameBytes),
            DiscoveryCodec.Truncate(status.Mode, DiscoveryDefaults.MaxModeBytes),
            (uint)Math.Max(0, status.Users),
            (ushort)_options.TcpPort,
            (ushort)_options.UdpPort,
            addresses.ToArray(),
            _options.KeyFingerprint,
            _options.Cluster);
        // Only sixteen IPv6 addresses with the longest name, key and cluster name overflow a reply: the last addresses
        // go (the one the probe arrived on comes first and stays).
        while (DiscoveryCodec.MeasureReply(reply) > DiscoveryDefaults.MaxReplyBytes && reply.Addresses.Count > 1)
        {
            reply = reply with { Addresses = reply.Addresses.Take(reply.Addresses.Count - 1).ToArray() };
        }
        return reply;
    }

    private bool TryAcquire(SourceRateLimiter limiter, IPAddress source)
    {
        lock (_lock)
        {
            return limiter.TryAcquire(source);
        }
    }

    /// <summary>Reads the interface list when it is stale, and joins the multicast group on interfaces that appeared.</summary>
    private IReadOnlyList<LocalAddress> RefreshAddresses(bool force)
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            if (!force && _time.GetElapsedTime(_addressesStamp, now) < _options.AddressRefresh)
            {
                return _addresses;
            }
            _addresses = _options.GetAddresses();
            _addressesStamp = now;
            JoinMulticast();
            return _addresses;
        }
    }

    private void JoinMulticast()
    {
        var group = _options.MulticastGroup;
        if (_ipv4 is null || group is null || IPAddress.IsLoopback(_options.BindAddress))
        {
            return;
        }
        var bind = _options.BindAddress;
        bool specific = !bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any);
        foreach (var address in _addresses)
        {
            if (address.Address.AddressFamily != AddressFamily.InterNetwork || !address.SupportsMulticast || address.IsLoopback
                || (specific && !address.Address.Equals(bind)) || _joinedInterfaces.Contains(address.InterfaceIndex))
            {
                continue;
            }
            try
            {
                _ipv4.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, address.InterfaceIndex));
                _joinedInterfaces.Add(address.InterfaceIndex);
                Log.DiscoveryJoinedGroup(_logger, group, address.InterfaceName);
            }
            catch (SocketException ex)
            {
                Log.DiscoveryJoinFailed(_logger, group, address.InterfaceName, ex.SocketErrorCode);
                _joinedInterfaces.Add(address.InterfaceIndex); // Do not retry on every refresh.
            }
        }
    }

    private void CloseSockets()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    /// <summary>Stops answering and closes the sockets. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        CloseSockets();
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
