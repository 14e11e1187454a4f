using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace TermChat.Server.Datagrams;

/// <summary>
/// The server's UDP socket (non-blocking in every mode), its handler and its <see cref="DatagramOutbox"/>. Modes call
/// one of the receive styles and run the outbox's one sender in their own style; the handler only ever queues.
/// </summary>
internal sealed class DatagramEndpoint : IDatagramSender, IDisposable
{
    /// <summary>At shutdown, how long the sender may take to send the final datagrams the drain queued.</summary>
    private static readonly TimeSpan FinalFlush = TimeSpan.FromSeconds(1);

    private readonly IDatagramHandler _handler;
    private readonly ILogger _logger;
    private readonly DatagramOutbox _outbox;
    private Thread? _senderThread;
    private Task? _senderLoop;
    private int _disposed;
    private int _stopping;

    public DatagramEndpoint(Socket socket, IDatagramHandler handler, ILogger logger, IDatagramWire? wire = null)
    {
        // Non-blocking: no thread that queues or receives can ever wait on the socket's send buffer.
        socket.Blocking = false;
        Socket = socket;
        _handler = handler;
        _logger = logger;
        _outbox = new DatagramOutbox(wire ?? new SocketDatagramWire(socket));
    }

    public Socket Socket { get; }

    public bool HasQueued => _outbox.HasQueued;

    /// <inheritdoc/>
    public long Failed => _outbox.Failed;

    /// <summary>Select mode: the select thread is the sender; queuing wakes it.</summary>
    public void UseSelectThread(Action wake) => _outbox.UseSelectThread(wake);

    /// <summary>Threads mode: starts the sender thread.</summary>
    public void StartSenderThread()
    {
        _senderThread = new Thread(_outbox.RunSenderThread, 256 * 1024) { IsBackground = true, Name = "termchat-udp-send" };
        _senderThread.Start();
    }

    /// <summary>Async mode: starts the send loop.</summary>
    public void StartSenderLoop() => _senderLoop = Task.Run(_outbox.RunSenderAsync);

    public void Start() => _handler.Start(this);

    public bool TrySend(byte[] buffer, int length, IPEndPoint remote) => _outbox.TrySend(buffer, length, remote);

    /// <summary>Select mode: sends queued datagrams until the socket would block.</summary>
    public void FlushQueued() => _outbox.FlushQueued();

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

    /// <summary>
    /// Threads mode: the receive thread, until disposed. The socket is non-blocking, so the thread blocks in
    /// <see cref="Socket.Poll(int, SelectMode)"/> (which closing the socket ends) and then reads what arrived.
    /// </summary>
    public void ReceiveLoop()
    {
        byte[] buffer = new byte[65536];
        while (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                Socket.Poll(-1, SelectMode.SelectRead);
            }
            catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
            {
                return;
            }
            ReceiveAvailable(buffer);
        }
    }

    /// <summary>Select and threads modes: receives every waiting datagram without blocking.</summary>
    /// <remarks>
    /// After the first read it asks <see cref="Socket.Available"/> rather than reading until "would block": that
    /// answer is an exception, which under a flood of datagrams would cost more than the datagrams. The first read is
    /// always made, because a wakeup with nothing to read may be a pending ICMP error, which only a read clears.
    /// </remarks>
    public void ReceiveAvailable(byte[] buffer)
    {
        for (bool first = true; ; first = false)
        {
            int read;
            EndPoint remote;
            try
            {
                if (!first && Socket.Available == 0)
                {
                    return;
                }
                remote = new IPEndPoint(Socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
                read = Socket.ReceiveFrom(buffer, ref remote);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.WouldBlock)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port-unreachable from an earlier send; the next datagram may be fine.
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
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

    /// <summary>
    /// Lets the handler drain while the socket still works, lets the sender send what the drain queued (bounded by
    /// <see cref="FinalFlush"/>), then closes the socket.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0) return;
        bool selectThread = _senderThread is null && _senderLoop is null;
        try
        {
            byte[]? scratch = selectThread ? new byte[65536] : null;
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
        if (selectThread)
        {
            FlushQueued();
        }
        else
        {
            _outbox.Complete();
            if (_senderThread is not null) _senderThread.Join(FinalFlush);
            else _senderLoop!.Wait(FinalFlush);
        }
        _outbox.Close();
        Volatile.Write(ref _disposed, 1);
        Socket.Dispose();
    }
}
