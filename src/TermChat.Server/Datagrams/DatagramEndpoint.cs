using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace TermChat.Server.Datagrams;

/// <summary>
/// The server's UDP socket and its handler. Modes call one of the receive styles; sends go straight to
/// the socket, or through a queue the select loop drains when <see cref="UseQueue"/> is set so that only
/// the select thread touches the socket.
/// </summary>
internal sealed class DatagramEndpoint : IDatagramSender, IDisposable
{
    private const int MaxQueued = 4096;
    private readonly IDatagramHandler _handler;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<(ReadOnlyMemory<byte> Bytes, IPEndPoint Remote)> _queue = new();
    private Action? _wake;
    private int _queued;
    private int _disposed;
    private int _stopping;

    public DatagramEndpoint(Socket socket, IDatagramHandler handler, ILogger logger)
    {
        Socket = socket;
        _handler = handler;
        _logger = logger;
    }

    public Socket Socket { get; }

    public bool HasQueued => Volatile.Read(ref _queued) > 0;

    /// <summary>Select mode: queue sends and wake the loop instead of touching the socket.</summary>
    public void UseQueue(Action wake) => _wake = wake;

    public void Start() => _handler.Start(this);

    public bool TrySend(ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        if (Volatile.Read(ref _disposed) != 0) return false;
        if (_wake is { } wake)
        {
            if (Interlocked.Increment(ref _queued) > MaxQueued)
            {
                Interlocked.Decrement(ref _queued);
                return false;
            }
            _queue.Enqueue((datagram, remote));
            wake();
            return true;
        }
        return SendNow(datagram.Span, remote);
    }

    /// <summary>Select mode: sends queued datagrams until the socket would block.</summary>
    public void FlushQueued()
    {
        while (_queue.TryPeek(out var item))
        {
            if (!SendNow(item.Bytes.Span, item.Remote, out bool wouldBlock) && wouldBlock) return;
            _queue.TryDequeue(out _);
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>
    /// Async mode: receives until cancelled or disposed, with the <see cref="SocketAddress"/> overload of
    /// <c>ReceiveFromAsync</c>, which fills one reused address instead of allocating an endpoint per datagram.
    /// </summary>
    public async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[65536];
        var template = new IPEndPoint(Socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var address = template.Serialize();
        while (!cancellationToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await Socket.ReceiveFromAsync(buffer, SocketFlags.None, address, cancellationToken).ConfigureAwait(false);
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
                // ICMP port-unreachable from an earlier send shows up here on some systems; keep serving.
                continue;
            }
            Deliver(buffer.AsSpan(0, received), (IPEndPoint)template.Create(address));
        }
    }

    /// <summary>Threads mode: blocking receives on a dedicated thread until disposed.</summary>
    public void ReceiveLoop()
    {
        byte[] buffer = new byte[65536];
        while (Volatile.Read(ref _disposed) == 0)
        {
            EndPoint remote = new IPEndPoint(Socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            int read;
            try
            {
                read = Socket.ReceiveFrom(buffer, ref remote);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (Volatile.Read(ref _disposed) == 0)
            {
                continue;
            }
            catch (SocketException)
            {
                return;
            }
            Deliver(buffer.AsSpan(0, read), (IPEndPoint)remote);
        }
    }

    /// <summary>Select mode: receives every waiting datagram without blocking.</summary>
    public void ReceiveAvailable(byte[] buffer)
    {
        while (Socket.Available > 0)
        {
            EndPoint remote = new IPEndPoint(Socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            int read;
            try
            {
                read = Socket.ReceiveFrom(buffer, ref remote);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.WouldBlock)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            Deliver(buffer.AsSpan(0, read), (IPEndPoint)remote);
        }
    }

    private void Deliver(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        try
        {
            _handler.OnDatagram(datagram, remote);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.DatagramHandlerFailed(_logger, exception);
        }
    }

    private bool SendNow(ReadOnlySpan<byte> datagram, IPEndPoint remote) => SendNow(datagram, remote, out _);

    private bool SendNow(ReadOnlySpan<byte> datagram, IPEndPoint remote, out bool wouldBlock)
    {
        wouldBlock = false;
        try
        {
            Socket.SendTo(datagram, SocketFlags.None, remote);
            return true;
        }
        catch (SocketException exception)
        {
            wouldBlock = exception.SocketErrorCode == SocketError.WouldBlock;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0) return;
        // The handler stops while the socket still works, so UDP sessions can deliver their last frames.
        try
        {
            byte[]? scratch = _wake is null ? null : new byte[65536];
            _handler.Stop(scratch is null ? null : () =>
            {
                ReceiveAvailable(scratch);
                FlushQueued();
            });
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.DatagramHandlerFailed(_logger, exception);
        }
        if (_wake is not null) FlushQueued();
        Volatile.Write(ref _disposed, 1);
        Socket.Dispose();
    }
}
