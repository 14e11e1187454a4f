using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TermChat.Protocol.Discovery;

namespace TermChat.Client.Discovery;

/// <summary>
/// Finds TermChat servers on the LAN: sends a padded probe from every IPv4 interface to the limited
/// broadcast address, the interface's directed broadcast address (from its real prefix length) and the
/// multicast group, then collects replies until the timeout, merging replies from one server process.
/// </summary>
public sealed class DiscoveryClient
{
    private readonly DiscoveryClientOptions _options;

    /// <summary>Creates a client with <paramref name="options"/>, or the defaults.</summary>
    public DiscoveryClient(DiscoveryClientOptions? options = null) => _options = options ?? new DiscoveryClientOptions();

    /// <summary>Probes the LAN and returns the servers that answered within <paramref name="timeout"/>, by name.</summary>
    /// <exception cref="SocketException">No probe could be sent at all.</exception>
    public Task<IReadOnlyList<DiscoveredServer>> DiscoverAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        DiscoverAsync(timeout, onUpdate: null, cancellationToken);

    /// <summary>
    /// Probes the LAN; <paramref name="onUpdate"/> sees each server as soon as it answers and again whenever a
    /// further reply adds to it (a picker can list servers live). It is called one update at a time, from a
    /// socket thread, and must return quickly. Returns the servers found, by name.
    /// </summary>
    /// <exception cref="SocketException">No probe could be sent at all.</exception>
    public Task<IReadOnlyList<DiscoveredServer>> DiscoverAsync(TimeSpan timeout, Action<DiscoveredServer>? onUpdate, CancellationToken cancellationToken)
    {
        var senders = new List<(Socket Socket, List<IPEndPoint> Targets)>();
        try
        {
            foreach (var local in _options.GetAddresses())
            {
                if (local.Address.AddressFamily != AddressFamily.InterNetwork || local.IsLoopback)
                {
                    continue;
                }
                var targets = new List<IPEndPoint>();
                if (_options.Broadcast)
                {
                    targets.Add(new IPEndPoint(IPAddress.Broadcast, _options.Port));
                    if (local.Broadcast is { } directed)
                    {
                        targets.Add(new IPEndPoint(directed, _options.Port));
                    }
                }
                if (_options.MulticastGroup is { } group && local.SupportsMulticast)
                {
                    targets.Add(new IPEndPoint(group, _options.Port));
                }
                if (targets.Count > 0 && TryOpen(local.Address, out var socket))
                {
                    senders.Add((socket, targets));
                }
            }
            if (_options.Loopback && TryOpen(IPAddress.Loopback, out var loopback))
            {
                senders.Add((loopback, [new IPEndPoint(IPAddress.Loopback, _options.Port)]));
            }
            return RunAsync(senders, timeout, onUpdate, cancellationToken);
        }
        catch
        {
            foreach (var (socket, _) in senders)
            {
                socket.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Sends a probe straight to <paramref name="host"/> (no broadcast), as netcheck does to learn whether
    /// discovery traffic reaches that host. Returns the server that answered, or null.
    /// </summary>
    public async Task<DiscoveredServer?> ProbeAsync(IPAddress host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var socket = new Socket(host.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(host.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var found = await RunAsync([(socket, [new IPEndPoint(host, _options.Port)])], timeout, null, cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    private static bool TryOpen(IPAddress local, out Socket socket)
    {
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.EnableBroadcast = true;
            if (!IPAddress.IsLoopback(local))
            {
                // Leave by this interface, and stay on the LAN: discovery never crosses a router.
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, local.GetAddressBytes());
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
            }
            socket.Bind(new IPEndPoint(local, 0));
            return true;
        }
        catch (SocketException)
        {
            // The address vanished between listing and binding (DHCP, a VPN going down): skip it.
            socket.Dispose();
            return false;
        }
    }

    private async Task<IReadOnlyList<DiscoveredServer>> RunAsync(
        List<(Socket Socket, List<IPEndPoint> Targets)> senders, TimeSpan timeout, Action<DiscoveredServer>? onUpdate, CancellationToken cancellationToken)
    {
        ulong nonce = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 63);
        byte[] probe = DiscoveryCodec.ToArray(new DiscoveryProbe(nonce));
        var servers = new Dictionary<Guid, DiscoveredServer>();
        var gate = new Lock();
        var started = Stopwatch.GetTimestamp();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(timeout);
        try
        {
            var receivers = senders.Select(s => ReceiveAsync(s.Socket, nonce, started, servers, gate, onUpdate, window.Token)).ToList();
            var sending = SendScheduleAsync(senders, probe, window.Token);
            await Task.WhenAll(receivers.Append(sending)).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (socket, _) in senders)
            {
                socket.Dispose();
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return [.. servers.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.InstanceId)];
        }

        async Task SendScheduleAsync(List<(Socket Socket, List<IPEndPoint> Targets)> list, byte[] bytes, CancellationToken token)
        {
            var schedule = _options.SendSchedule.Count > 0 ? _options.SendSchedule : [TimeSpan.Zero];
            int sent = 0;
            SocketException? last = null;
            foreach (var at in schedule)
            {
                var wait = at - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                foreach (var (socket, targets) in list)
                {
                    foreach (var target in targets)
                    {
                        try
                        {
                            socket.SendTo(bytes, SocketFlags.None, target);
                            sent++;
                        }
                        catch (SocketException ex)
                        {
                            // No route for multicast on one link, say; the other targets still count.
                            last = ex;
                        }
                        catch (ObjectDisposedException)
                        {
                            return;
                        }
                    }
                }
                if (sent == 0 && last is not null)
                {
                    throw last;
                }
            }
        }
    }

    private static async Task ReceiveAsync(Socket socket, ulong nonce, long started, Dictionary<Guid, DiscoveredServer> servers, Lock gate,
        Action<DiscoveredServer>? onUpdate, CancellationToken cancellationToken)
    {
        var buffer = new byte[DiscoveryDefaults.MaxReplyBytes + 1];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error for one probe target; keep listening for the others.
                continue;
            }
            if (!DiscoveryCodec.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out var message)
                || message is not DiscoveryReply reply || reply.Nonce != nonce)
            {
                continue; // Not ours: a stale reply, someone else's probe, or noise.
            }
            var source = ((IPEndPoint)received.RemoteEndPoint).Address;
            if (source.IsIPv4MappedToIPv6)
            {
                source = source.MapToIPv4();
            }
            DiscoveredServer updated;
            lock (gate)
            {
                bool known = servers.TryGetValue(reply.InstanceId, out var before);
                updated = known ? before!.Merge(reply, source) : DiscoveredServer.From(reply, source, Stopwatch.GetElapsedTime(started));
                if (known && updated == before)
                {
                    continue; // The same reply again (a retransmitted probe, another path): nothing new.
                }
                servers[reply.InstanceId] = updated;
                // Under the lock so a picker sees updates one at a time, in order.
                onUpdate?.Invoke(updated);
            }
        }
    }
}
