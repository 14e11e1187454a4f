using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TermChat.TestKit.Datagrams;

/// <summary>
/// A real UDP relay on loopback between clients and a server that loses, duplicates, delays and reorders datagrams
/// according to seeded <see cref="LinkConditions"/>. Clients send to <see cref="Endpoint"/>; each client gets its own
/// upstream socket, so the server sees one distinct endpoint per client.
/// </summary>
public sealed class LossyUdpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _server;
    private readonly Socket _front;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<IPEndPoint, Socket> _upstreams = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private LinkConditions _up;
    private LinkConditions _down;
    private long _forwarded;
    private long _dropped;
    private int _dropUp;
    private int _dropDown;

    /// <summary>Starts relaying to <paramref name="server"/>.</summary>
    public LossyUdpRelay(IPEndPoint server, LinkConditions up, LinkConditions? down = null, int seed = 1)
    {
        _server = server;
        _up = up;
        _down = down ?? up;
        _random = new Random(seed);
        _front = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _front.Bind(new IPEndPoint(server.Address, 0));
        Endpoint = (IPEndPoint)_front.LocalEndPoint!;
        _loops.Add(Task.Run(FrontLoopAsync));
    }

    /// <summary>Where clients send.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Datagrams forwarded (copies counted) and dropped.</summary>
    public (long Forwarded, long Dropped) Counts => (Interlocked.Read(ref _forwarded), Interlocked.Read(ref _dropped));

    /// <summary>Sees every datagram the relay receives (true = client to server), before the link conditions apply.</summary>
    public Action<bool, byte[]>? OnDatagram { get; set; }

    /// <summary>Changes the conditions, for example to cut the link with Loss = 1.</summary>
    public void SetConditions(LinkConditions up, LinkConditions? down = null)
    {
        lock (_gate)
        {
            _up = up;
            _down = down ?? up;
        }
    }

    /// <summary>Drops the next <paramref name="count"/> datagrams in one direction (true = client to server), whatever the conditions say.</summary>
    public void DropNext(bool toServer, int count)
    {
        if (toServer) Volatile.Write(ref _dropUp, count);
        else Volatile.Write(ref _dropDown, count);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _front.Dispose();
        foreach (var upstream in _upstreams.Values)
        {
            upstream.Dispose();
        }
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        _stop.Dispose();
    }

    private async Task FrontLoopAsync()
    {
        var buffer = new byte[65536];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult result;
                try
                {
                    result = await _front.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(Endpoint.Address, 0), _stop.Token);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
                {
                    continue;
                }
                var client = (IPEndPoint)result.RemoteEndPoint;
                var upstream = _upstreams.GetOrAdd(client, CreateUpstream);
                Forward(buffer.AsSpan(0, result.ReceivedBytes), toServer: true, upstream, client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private Socket CreateUpstream(IPEndPoint client)
    {
        var upstream = new Socket(_server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        upstream.Bind(new IPEndPoint(_server.Address, 0));
        lock (_loops)
        {
            _loops.Add(Task.Run(() => UpstreamLoopAsync(upstream, client)));
        }
        return upstream;
    }

    private async Task UpstreamLoopAsync(Socket upstream, IPEndPoint client)
    {
        var buffer = new byte[65536];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult result;
                try
                {
                    result = await upstream.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(_server.Address, 0), _stop.Token);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
                {
                    continue;
                }
                Forward(buffer.AsSpan(0, result.ReceivedBytes), toServer: false, upstream, client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private void Forward(ReadOnlySpan<byte> datagram, bool toServer, Socket upstream, IPEndPoint client)
    {
        OnDatagram?.Invoke(toServer, datagram.ToArray());
        ref int toDrop = ref toServer ? ref _dropUp : ref _dropDown;
        if (Volatile.Read(ref toDrop) > 0 && Interlocked.Decrement(ref toDrop) >= 0)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        Span<int> delays = stackalloc int[2];
        int copies;
        lock (_gate)
        {
            copies = (toServer ? _up : _down).Fate(_random, delays);
        }
        if (copies == 0)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        var bytes = datagram.ToArray();
        for (int i = 0; i < copies; i++)
        {
            Interlocked.Increment(ref _forwarded);
            if (delays[i] == 0)
            {
                // Undelayed datagrams leave in the order they came: concurrent asynchronous sends may overtake each
                // other, which would be reordering the conditions did not ask for.
                SendNow(bytes, toServer ? upstream : _front, toServer ? _server : client);
                continue;
            }
            _ = SendLaterAsync(bytes, delays[i], toServer ? upstream : _front, toServer ? _server : client);
        }
    }

    private static void SendNow(byte[] datagram, Socket socket, IPEndPoint to)
    {
        try
        {
            socket.SendTo(datagram, SocketFlags.None, to);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            // The relay is shutting down, or the kernel refused the datagram: a loss like any other.
        }
    }

    private async Task SendLaterAsync(byte[] datagram, int delayMs, Socket socket, IPEndPoint to)
    {
        try
        {
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, _stop.Token);
            }
            await socket.SendToAsync(datagram, SocketFlags.None, to, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The relay is shutting down, or the kernel refused the datagram: a loss like any other.
        }
    }
}
