using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace TermChat.Protocol.Security;

/// <summary>
/// The <see cref="DatagramTransport"/> BouncyCastle's DTLS runs over, fed by whoever owns the socket. BouncyCastle's
/// DTLS is not sans-IO: its handshake and every <see cref="DtlsTransport.Receive(byte[], int, int, int)"/> pull datagrams
/// from the transport and block until one comes. So the socket's owner <see cref="Offer"/>s each datagram of the peer
/// into a small bounded queue; during the handshake a worker thread blocks on it (with BouncyCastle's timeouts), and once
/// <see cref="NonBlocking"/> is set records are opened with <see cref="OpenNext"/> on the receive thread (or the select
/// thread), which never waits longer than <see cref="EmptyWaitMillis"/>. Sends go to <c>send</c>, which must not block;
/// during the handshake a flight's records go together (<see cref="Send(ReadOnlySpan{byte})"/>).
/// </summary>
/// <remarks>
/// Why that bound matters: BouncyCastle's record layer treats a timeout from the transport as "nothing yet" and asks
/// again until the wait its caller gave has passed. A record that yields no application data (a duplicate the replay
/// window drops, the peer's retransmitted final handshake flight, a forged record) therefore costs the caller its whole
/// wait. With a 1 s wait, a client retransmitting its last flight to a loaded server held the server's select thread
/// about a second per record, long enough for other sessions' acknowledgements to go unread for 15 s and be declared
/// dead (the DtlsTransportTests failure of session 7). So <see cref="OpenNext"/> asks for the shortest wait
/// BouncyCastle knows (0 means "forever" to it), and an empty queue sleeps that millisecond out instead of spinning.
/// </remarks>
public sealed class DtlsChannel : DatagramTransport
{
    /// <summary>Datagrams a channel holds for its reader; more are dropped, as a full socket buffer would.</summary>
    public const int Capacity = 64;

    private readonly Queue<byte[]> _queue = new();
    private readonly Action<ReadOnlySpan<byte>> _send;
    private bool _closed;
    private volatile bool _nonBlocking;

    /// <summary>A channel whose sealed datagrams go to <paramref name="send"/> (called on whichever thread sends).</summary>
    /// <param name="send">Sends one datagram; must not block.</param>
    /// <param name="firstSequence">
    /// The number of the first epoch-0 record expected from the peer (a client: 0; a server: one past its ClientHello's),
    /// so the handshake's records are handed to BouncyCastle in the order they were sent; -1 when unknown.
    /// </param>
    public DtlsChannel(Action<ReadOnlySpan<byte>> send, long firstSequence = -1)
    {
        _send = send;
        _nextEpoch0 = firstSequence;
    }

    /// <summary>
    /// After the handshake: a receive on an empty queue waits at most <see cref="EmptyWaitMillis"/> (never for the
    /// datagram itself), then throws a timeout. Callers catch it with <see cref="IsEmpty"/>.
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

    /// <summary>
    /// The wait <see cref="OpenNext"/> gives BouncyCastle, and the longest an empty non-blocking receive sleeps: the
    /// most one record that yields nothing (a duplicate, a retransmitted handshake record) holds the opening thread.
    /// </summary>
    public const int EmptyWaitMillis = 1;

    /// <summary>How often a non-blocking receive found the queue empty (each costs its caller up to <see cref="EmptyWaitMillis"/>).</summary>
    public long EmptyReceives => Interlocked.Read(ref _emptyReceives);

    private long _emptyReceives;

    /// <summary>Whether <paramref name="e"/> is this channel's "nothing queued" from a non-blocking receive.</summary>
    public static bool IsEmpty(Exception e) => e is SocketException { SocketErrorCode: SocketError.TimedOut };

    /// <summary>
    /// Opens the next datagram of the peer through <paramref name="transport"/> (this channel's record layer, after the
    /// handshake): its length in <paramref name="buffer"/>, or -1 once nothing is left. Each datagram is one record, so
    /// one receive per queued datagram opens it without reaching an empty queue; only a datagram that yields no
    /// application data (invalid, duplicated, a retransmitted handshake record) reaches it, and pays at most
    /// <see cref="EmptyWaitMillis"/>. Records BouncyCastle split off a datagram that held several are taken last.
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
                length = transport.Receive(buffer, EmptyWaitMillis);
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

    /// <summary>Whether any datagram of the peer has been queued: it is there and answering.</summary>
    public bool HeardFromPeer { get; private set; }

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
            HeardFromPeer = true;
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
        // BouncyCastle receives once its flight is written: the flight goes now, in as few datagrams as it fits.
        EndFlight();
        byte[]? datagram = null;
        bool resend = false, afterHandshake = false;
        lock (_queue)
        {
            if (_nonBlocking)
            {
                if (_queue.Count == 0 && !_closed)
                {
                    // BouncyCastle asks again after a timeout until its wait is over: sleep that out (at most
                    // EmptyWaitMillis) rather than let it spin on exceptions. Nothing is waited for: the thread that
                    // offers datagrams is normally the one opening them.
                    Interlocked.Increment(ref _emptyReceives);
                    Monitor.Wait(_queue, Math.Clamp(waitMillis, 0, EmptyWaitMillis));
                }
                if (_closed)
                {
                    throw new IOException("the DTLS channel is closed");
                }
                datagram = _queue.Count > 0 ? _queue.Dequeue() : throw new SocketException((int)SocketError.TimedOut);
                afterHandshake = true;
            }
            else
            {
                // BouncyCastle: zero means no timeout. Its handshake always passes a finite one, which is capped so
                // that a lost flight is resent at least every MaxHandshakeWaitMillis.
                long deadline = Environment.TickCount64 + (waitMillis <= 0 ? int.MaxValue : Math.Min(waitMillis, MaxHandshakeWaitMillis));
                while (!_closed && !_nonBlocking)
                {
                    long now = Environment.TickCount64;
                    long wait = deadline - now;
                    if (_queue.Count > 0)
                    {
                        var earliest = Earliest();
                        // A record after a gap in the peer's epoch-0 numbering waits a little for the missing ones.
                        if (!IsAfterGap(earliest) || now - _gapSinceMs >= ReorderWaitMillis)
                        {
                            datagram = Take(earliest);
                            break;
                        }
                        wait = Math.Min(wait, ReorderWaitMillis - (now - _gapSinceMs));
                    }
                    if (wait <= 0 || !Monitor.Wait(_queue, (int)Math.Min(wait, int.MaxValue)) && Environment.TickCount64 >= deadline)
                    {
                        if (_queue.Count > 0 && Environment.TickCount64 >= deadline)
                        {
                            datagram = Take(Earliest());
                        }
                        break;
                    }
                }
                if (_closed)
                {
                    throw new IOException("the DTLS channel is closed");
                }
                if (datagram is null)
                {
                    if (_nonBlocking && _queue.Count > 0)
                    {
                        datagram = _queue.Dequeue();
                    }
                    else
                    {
                        // Nothing for a second, and BouncyCastle's own resend is not due yet (it would be if its wait
                        // ended here): the flight goes again from here.
                        if (waitMillis <= 0 || waitMillis > MaxHandshakeWaitMillis)
                        {
                            resend = true;
                        }
                        datagram = null;
                    }
                }
            }
        }
        // Outside the queue's lock: a send that fails closes the channel, which takes it.
        if (resend || afterHandshake && AsksForOurFlight(datagram!))
        {
            ResendFlight();
        }
        if (datagram is null)
        {
            return -1;
        }
        int length = Math.Min(datagram.Length, buffer.Length);
        datagram.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    /// <summary>
    /// The longest a blocking (handshake) receive waits before it reports "nothing yet" and this side's last flight goes
    /// again (<see cref="ResendFlight"/>). BouncyCastle's own resend timer starts at
    /// <see cref="DtlsCredentials.HandshakeResendMillis"/> and doubles up to 60 s; its record layer treats "nothing yet"
    /// as a cue to ask again, not to resend, so the cap alone changed nothing (session 8 thought otherwise). A flight
    /// is one small datagram, so resending it every second costs next to nothing.
    /// </summary>
    public const int MaxHandshakeWaitMillis = 1000;

    /// <summary>How long a handshake record after a gap waits for the records before it (then it goes anyway: they were lost).</summary>
    private const int ReorderWaitMillis = 50;

    private const byte ChangeCipherSpecType = 20;

    private const byte HandshakeType = 22;

    private const byte ApplicationDataType = 23;

    /// <summary>A DTLS record header: type, version (2), epoch (2), sequence number (6), length (2).</summary>
    private const int RecordHeaderBytes = 13;

    /// <summary>The next epoch-0 record number expected from the peer during the handshake; -1 when unknown.</summary>
    private long _nextEpoch0;

    /// <summary>When the current gap was first seen (ms); reset whenever a record in order is taken.</summary>
    private long _gapSinceMs = long.MaxValue;

    /// <summary>A ChangeCipherSpec has been handed over: records of the next epoch are expected now.</summary>
    private bool _changedCipher;

    /// <summary>
    /// Whether records the peer sent before <paramref name="datagram"/>'s are still missing: an epoch-0 record numbered
    /// past the next expected one, or an epoch-1 record before any ChangeCipherSpec.
    /// </summary>
    private bool IsAfterGap(byte[] datagram)
    {
        ulong order = RecordOrder(datagram);
        if (order == ulong.MaxValue)
        {
            return false;
        }
        bool gap = order >> 48 == 0 ? _nextEpoch0 >= 0 && (long)(order & 0xFFFF_FFFF_FFFF) > _nextEpoch0 : !_changedCipher;
        if (gap && _gapSinceMs == long.MaxValue)
        {
            _gapSinceMs = Environment.TickCount64;
        }
        return gap;
    }

    private byte[] Take(byte[] datagram)
    {
        // A datagram may hold a whole flight: every record in it counts as received.
        for (int at = 0; datagram.Length - at >= RecordHeaderBytes;)
        {
            var header = datagram.AsSpan(at, RecordHeaderBytes);
            _changedCipher |= header[0] == ChangeCipherSpecType;
            ulong order = RecordOrder(header);
            if (order >> 48 == 0)
            {
                _nextEpoch0 = Math.Max(_nextEpoch0, (long)(order & 0xFFFF_FFFF_FFFF) + 1);
            }
            at += RecordHeaderBytes + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(header[11..]);
        }
        _gapSinceMs = long.MaxValue;
        if (ReferenceEquals(datagram, _queue.Peek()))
        {
            return _queue.Dequeue();
        }
        int count = _queue.Count;
        for (int i = 0; i < count; i++)
        {
            var item = _queue.Dequeue();
            if (!ReferenceEquals(item, datagram))
            {
                _queue.Enqueue(item);
            }
        }
        return datagram;
    }

    /// <summary>
    /// During the handshake, the queued datagram whose first record comes first (lowest epoch, then sequence number).
    /// BouncyCastle takes a ChangeCipherSpec whenever it comes, so one that overtakes the CertificateVerify before it
    /// leaves that message unreadable (epoch 0 is closed), and a Finished that overtakes the ChangeCipherSpec is dropped:
    /// a flight the network reordered stalls the handshake until it times out. So what is queued is handed over in the
    /// order it was sent, and a record after a gap waits <see cref="ReorderWaitMillis"/> for the missing ones. Called
    /// under the queue's lock.
    /// </summary>
    private byte[] Earliest()
    {
        byte[]? earliest = null;
        foreach (var candidate in _queue)
        {
            if (earliest is null || RecordOrder(candidate) < RecordOrder(earliest))
            {
                earliest = candidate;
            }
        }
        return earliest!;
    }

    /// <summary>Epoch (bytes 3–4) and sequence number (bytes 5–10) of a datagram's first DTLS record, as one number.</summary>
    private static ulong RecordOrder(ReadOnlySpan<byte> datagram) =>
        datagram.Length < 11 ? ulong.MaxValue : System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(datagram.Slice(3, 8));

    /// <inheritdoc/>
    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    /// <summary>
    /// Sends one record. Handshake and ChangeCipherSpec records are held and go together in one datagram when
    /// BouncyCastle next receives, when the flight outgrows a datagram, or with the Finished that ends the flight (the
    /// only encrypted handshake record of a DTLS 1.2 handshake; a server's last flight is not followed by a receive).
    /// BouncyCastle writes each record as a datagram of its own, and at 20 % loss each way a flight in practice got
    /// through only when all its datagrams of one sending arrived: about one connect in six ran out of its 10 s (the
    /// namespace test; a model of the handshake that starts a flight over on any loss predicts the same). One datagram
    /// per flight (RFC 6347 4.1.1 allows several records per datagram; PROTOCOL-DATAGRAMS 12.1) brings that to a few
    /// in a thousand, and <see cref="ResendFlight"/> to none.
    /// </summary>
    public void Send(ReadOnlySpan<byte> buffer)
    {
        lock (_lastFlight)
        {
            bool handshake = !buffer.IsEmpty && buffer[0] is ChangeCipherSpecType or HandshakeType && buffer.Length <= _pending.Length;
            if (_pendingLength > 0 && (!handshake || _pendingLength + buffer.Length > _pending.Length))
            {
                SendPending();
            }
            if (!handshake)
            {
                _send(buffer);
                return;
            }
            if (!_flightOpen)
            {
                _lastFlight.Clear();
                _flightOpen = true;
            }
            buffer.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += buffer.Length;
            // An encrypted (epoch 1 or later) handshake record: the Finished.
            if (buffer[0] == HandshakeType && buffer.Length >= RecordHeaderBytes && RecordOrder(buffer) >> 48 != 0)
            {
                SendPending();
            }
        }
    }

    /// <summary>Sends the handshake records held back, if any, and ends the flight: what BouncyCastle sends next is a new one.</summary>
    private void EndFlight()
    {
        lock (_lastFlight)
        {
            SendPending();
            _flightOpen = false;
        }
    }

    private void SendPending()
    {
        if (_pendingLength > 0)
        {
            byte[] datagram = _pending.AsSpan(0, _pendingLength).ToArray();
            _pendingLength = 0;
            _lastFlight.Add(datagram);
            _send(datagram);
        }
    }

    /// <summary>
    /// Sends this side's last handshake flight again, byte for byte, as the network might have duplicated it. Why:
    /// BouncyCastle's record layer asks the transport again after a timeout until the wait it was given is over, and
    /// that wait is its resend timer, which doubles from 500 ms to 60 s (RFC 6347's backoff, not configurable). So a
    /// flight lost four times in a row went again only 7.5 s after the first try, and at 20 % loss each way about one
    /// handshake in fifty was unfinished after 10 s (three runs of 200 real handshakes over a lossy in-memory wire).
    /// This is done when the peer has been silent for <see cref="MaxHandshakeWaitMillis"/> during the handshake, and
    /// when the peer, after the handshake, sends a handshake record again (its retransmitted flight: it has not got our
    /// last one). A peer that got the copy already drops it as a replay.
    /// </summary>
    private void ResendFlight()
    {
        lock (_lastFlight)
        {
            foreach (byte[] datagram in _lastFlight)
            {
                _send(datagram);
            }
        }
    }

    /// <summary>
    /// After the handshake, whether <paramref name="datagram"/> is the peer's handshake flight again, which means our
    /// last flight was lost; the first application data from the peer means it was not, and it is forgotten.
    /// </summary>
    private bool AsksForOurFlight(byte[] datagram)
    {
        lock (_lastFlight)
        {
            if (datagram.Length == 0 || _lastFlight.Count == 0)
            {
                return false;
            }
            if (datagram[0] == ApplicationDataType)
            {
                _lastFlight.Clear();
                return false;
            }
            return datagram[0] is HandshakeType or ChangeCipherSpecType;
        }
    }

    /// <summary>Handshake records written but not sent yet; guarded by <see cref="_lastFlight"/>.</summary>
    private readonly byte[] _pending = new byte[MaxDatagram];

    private int _pendingLength;

    /// <summary>The datagrams of this side's last handshake flight, for <see cref="ResendFlight"/>; guards the send side.</summary>
    private readonly List<byte[]> _lastFlight = [];

    /// <summary>Handshake records sent since BouncyCastle last received belong to the same flight.</summary>
    private bool _flightOpen;

    /// <summary>Ends the channel: a handshake waiting on it fails at once, and nothing more is queued.</summary>
    public void Close()
    {
        lock (_lastFlight)
        {
            _pendingLength = 0;
            _lastFlight.Clear();
        }
        lock (_queue)
        {
            _closed = true;
            _queue.Clear();
            Monitor.PulseAll(_queue);
        }
    }
}
