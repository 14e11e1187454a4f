using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace TermChat.Protocol.Security;

/// <summary>
/// The <see cref="DatagramTransport"/> BouncyCastle's DTLS runs over, fed by whoever owns the socket. BouncyCastle's
/// DTLS is not sans-IO: its handshake and every <see cref="DtlsTransport.Receive(byte[], int, int, int)"/> pull datagrams
/// from the transport and block until one comes. So the socket's owner <see cref="Offer"/>s each datagram of the peer
/// into a small bounded queue; during the handshake a worker thread blocks on it (with BouncyCastle's timeouts), and once
/// <see cref="NonBlocking"/> is set a receive on an empty queue ends at once with a timeout, which
/// <see cref="DtlsTransport"/> passes through without failing the association. That is how records are opened on the
/// receive thread (or the select thread) without ever waiting. Sends go straight to <c>send</c>, which must not block.
/// </summary>
public sealed class DtlsChannel : DatagramTransport
{
    /// <summary>Datagrams a channel holds for its reader; more are dropped, as a full socket buffer would.</summary>
    public const int Capacity = 64;

    private readonly Queue<byte[]> _queue = new();
    private readonly Action<ReadOnlySpan<byte>> _send;
    private bool _closed;
    private volatile bool _nonBlocking;

    /// <summary>A channel whose sealed datagrams go to <paramref name="send"/> (called on whichever thread sends).</summary>
    public DtlsChannel(Action<ReadOnlySpan<byte>> send) => _send = send;

    /// <summary>
    /// After the handshake: a receive on an empty queue throws a timeout at once instead of waiting. Callers catch it
    /// with <see cref="IsEmpty"/>.
    /// </summary>
    public bool NonBlocking
    {
        get => _nonBlocking;
        set => _nonBlocking = value;
    }

    /// <summary>Datagrams waiting.</summary>
    public int Count
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Whether <paramref name="e"/> is this channel's "nothing queued" from a non-blocking receive.</summary>
    public static bool IsEmpty(Exception e) => e is SocketException { SocketErrorCode: SocketError.TimedOut };

    /// <summary>
    /// Opens the next datagram of the peer through <paramref name="transport"/> (this channel's record layer, after the
    /// handshake): its length in <paramref name="buffer"/>, or -1 once nothing is left. Never waits. Each datagram is
    /// one record, so one receive per queued datagram opens it without reaching an empty queue (only an invalid record
    /// pays for that exception); records BouncyCastle split off a datagram that held several are taken last.
    /// </summary>
    /// <exception cref="IOException">A fatal alert: the association is over.</exception>
    public int OpenNext(DtlsTransport transport, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(transport);
        while (Count > 0)
        {
            int length;
            try
            {
                length = transport.Receive(buffer, 1000);
            }
            catch (Exception e) when (IsEmpty(e))
            {
                length = -1;
            }
            if (length >= 0)
            {
                return length;
            }
        }
        return transport.ReceivePending(buffer);
    }

    /// <summary>Queues one datagram from the peer; false (dropped) when the queue is full or the channel closed.</summary>
    public bool Offer(ReadOnlySpan<byte> datagram)
    {
        lock (_queue)
        {
            if (_closed || _queue.Count >= Capacity || datagram.Length > MaxDatagram)
            {
                return false;
            }
            _queue.Enqueue(datagram.ToArray());
            Monitor.Pulse(_queue);
            return true;
        }
    }

    private const int MaxDatagram = DtlsRecord.MaxDatagramBytes;

    /// <inheritdoc/>
    public int GetReceiveLimit() => MaxDatagram;

    /// <inheritdoc/>
    public int GetSendLimit() => MaxDatagram;

    /// <inheritdoc/>
    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <inheritdoc/>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        byte[] datagram;
        lock (_queue)
        {
            if (_queue.Count == 0 && !_closed)
            {
                if (_nonBlocking)
                {
                    throw new SocketException((int)SocketError.TimedOut);
                }
                // BouncyCastle: zero means no timeout. Its handshake always passes a finite one.
                long deadline = Environment.TickCount64 + (waitMillis == 0 ? int.MaxValue : waitMillis);
                while (_queue.Count == 0 && !_closed && !_nonBlocking)
                {
                    long left = deadline - Environment.TickCount64;
                    if (left <= 0 || !Monitor.Wait(_queue, (int)Math.Min(left, int.MaxValue)))
                    {
                        break;
                    }
                }
            }
            if (_closed)
            {
                throw new IOException("the DTLS channel is closed");
            }
            if (!_queue.TryDequeue(out datagram!))
            {
                return -1;
            }
        }
        int length = Math.Min(datagram.Length, buffer.Length);
        datagram.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    /// <inheritdoc/>
    public void Send(byte[] buf, int off, int len) => _send(buf.AsSpan(off, len));

    /// <inheritdoc/>
    public void Send(ReadOnlySpan<byte> buffer) => _send(buffer);

    /// <summary>Ends the channel: a handshake waiting on it fails at once, and nothing more is queued.</summary>
    public void Close()
    {
        lock (_queue)
        {
            _closed = true;
            _queue.Clear();
            Monitor.PulseAll(_queue);
        }
    }
}
