using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TermChat.Protocol.Datagrams;

/// <summary>
/// One end of a reliable, ordered message session over datagrams (PROTOCOL-DATAGRAMS.md). Sans-IO and deterministic:
/// the caller feeds received datagrams and the current time in milliseconds, and pulls datagrams to send.
/// Not thread-safe: one caller at a time.
/// </summary>
/// <remarks>
/// Driving loop: after <see cref="TrySend"/> or <see cref="OnDatagram"/>, call <see cref="Poll"/> until it returns 0 and
/// send what it writes; drain <see cref="TryReceive"/>; wake again at <see cref="NextTimerMs"/>.
/// </remarks>
public sealed class ReliableSession
{
    private const int MinTailChunkBytes = 64;

    // Close is not acknowledged: it goes out a few times, and for a short linger any datagram from the peer gets it again
    // (RFC 9000's closing state), so one lost datagram does not leave the peer waiting for the dead-peer timeout.
    private const int CloseCopies = 3;
    private const int CloseLingerMinMs = 150;
    private const int CloseLingerMaxMs = 2000;

    private readonly DatagramOptions _options;
    private readonly bool _isClient;
    private readonly ulong _nonce;
    private readonly RttEstimator _rtt;
    private readonly CongestionWindow _congestion;
    private readonly ReceivedPackets _received;
    private readonly Reassembler _reassembler;

    // Handshake (client).
    private HandshakeCookie _cookie;
    private readonly long _handshakeStartMs;
    private long _handshakeNextMs;
    private int _handshakeIntervalMs;
    private int _connectSends;
    private long _connectFirstSentMs;
    private bool _acceptPending;

    // Send side.
    private readonly Queue<ReadOnlyMemory<byte>> _pending = new();
    private int _pendingOffset;
    private long _queuedBytes;
    private readonly SendChunk?[] _window = new SendChunk?[DatagramLimits.WindowChunks];
    private uint _sendBase;
    private uint _nextSeq;
    private readonly Queue<SendChunk> _retransmit = new();
    private readonly List<SentPacket> _inFlight = [];
    private uint _nextPacketNumber = 1;
    private uint _largestAcked;
    private bool _pingPending;
    private long _lastElicitingSentMs;
    private long _rtoDeadlineMs = long.MaxValue;
    private long _lossTimerMs = long.MaxValue;
    private bool _awaitingAck;
    private long _awaitingSinceMs;
    private CloseCode? _closeToSend;
    private int _closeCopies;
    private long _lingerUntilMs = long.MinValue;
    private bool _noLinger;
    private CloseCode _pendingCloseCode;
    private bool _drainOnOpen;

    // Statistics.
    private long _packetsSent;
    private long _packetsReceived;
    private long _packetsLost;
    private long _retransmits;
    private long _messagesSent;
    private long _bytesSent;
    private long _bytesReceived;
    private double _lossEwma;

    private ReliableSession(bool isClient, ulong sessionId, ulong nonce, DatagramOptions options, long nowMs)
    {
        _isClient = isClient;
        SessionId = sessionId;
        _nonce = nonce;
        _options = options;
        _rtt = new RttEstimator(options);
        _congestion = new CongestionWindow(options);
        _received = new ReceivedPackets(options);
        _reassembler = new Reassembler(options);
        _handshakeStartMs = nowMs;
        _handshakeNextMs = nowMs;
        _handshakeIntervalMs = options.HandshakeIntervalMs;
        _lastElicitingSentMs = nowMs;
        State = isClient ? SessionState.Handshaking : SessionState.Open;
        _acceptPending = !isClient;
    }

    /// <summary>Starts a client session: it will send an Initial on the first <see cref="Poll"/>.</summary>
    /// <param name="options">Tunables; <see cref="DatagramOptions.Default"/> if null.</param>
    /// <param name="nowMs">The current time.</param>
    /// <param name="nonce">The client nonce; random if null (tests pass one for determinism).</param>
    public static ReliableSession CreateClient(DatagramOptions? options, long nowMs, ulong? nonce = null)
    {
        ulong value = nonce ?? 0;
        Span<byte> bytes = stackalloc byte[8];
        while (value == 0)
        {
            RandomNumberGenerator.Fill(bytes);
            value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }
        return new ReliableSession(true, 0, value, options ?? DatagramOptions.Default, nowMs);
    }

    /// <summary>Creates the server side after a valid Connect; it answers with an Accept on the first <see cref="Poll"/>.</summary>
    public static ReliableSession CreateServer(ulong sessionId, DatagramOptions? options, long nowMs)
    {
        if (sessionId == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sessionId), "Session id 0 is reserved.");
        }
        return new ReliableSession(false, sessionId, 0, options ?? DatagramOptions.Default, nowMs);
    }

    /// <summary>The session id; 0 on a client until the Retry arrives.</summary>
    public ulong SessionId { get; private set; }

    /// <summary>The client's handshake nonce (0 on the server).</summary>
    public ulong Nonce => _nonce;

    public SessionState State { get; private set; }

    public SessionCloseReason CloseReason { get; private set; }

    /// <summary>The close code the peer sent, when <see cref="CloseReason"/> is <see cref="SessionCloseReason.PeerClosed"/>.</summary>
    public CloseCode PeerCloseCode { get; private set; }

    /// <summary>Bytes of messages accepted by <see cref="TrySend"/> and not yet cut into chunks.</summary>
    public long QueuedBytes => _queuedBytes;

    /// <summary>Whether anything sent is still waiting for acknowledgement or in the queue.</summary>
    public bool HasOutstanding => _sendBase != _nextSeq || _inFlight.Count > 0 || _pending.Count > 0 || _retransmit.Count > 0;

    /// <summary>The time at which <see cref="Poll"/> must be called again, even if nothing arrives.</summary>
    public long NextTimerMs
    {
        get
        {
            if (State == SessionState.Closed)
            {
                return _closeCopies > 0 ? long.MinValue : _lingerUntilMs == long.MinValue ? long.MaxValue : _lingerUntilMs;
            }
            if (State is SessionState.Handshaking or SessionState.Connecting)
            {
                return Math.Min(_handshakeNextMs, _handshakeStartMs + _options.HandshakeTimeoutMs);
            }
            if (_acceptPending)
            {
                return long.MinValue;
            }
            long next = Math.Min(_received.AckDeadlineMs, _lossTimerMs);
            if (_inFlight.Count > 0)
            {
                next = Math.Min(next, _rtoDeadlineMs);
            }
            if (_awaitingAck)
            {
                next = Math.Min(next, _awaitingSinceMs + _options.DeadPeerTimeoutMs);
            }
            else if (State == SessionState.Open)
            {
                next = Math.Min(next, _lastElicitingSentMs + _options.KeepaliveIntervalMs);
            }
            return next;
        }
    }

    /// <summary>A snapshot of the link figures.</summary>
    public DatagramStats Stats => new(
        _rtt.HasSample ? _rtt.SmoothedMs : 0,
        _rtt.VarianceMs,
        _rtt.RtoMs,
        _lossEwma * 100,
        _packetsSent,
        _packetsReceived,
        _packetsLost,
        _retransmits,
        _reassembler.Duplicates,
        _inFlight.Count,
        _congestion.Packets,
        _messagesSent,
        _reassembler.MessagesDelivered,
        _bytesSent,
        _bytesReceived,
        _rtt.HasSample);

    /// <summary>
    /// Queues one message (one encoded TermChat frame). The memory is kept, not copied, until acknowledged, so it
    /// must not change. Returns false when the session is closing or the send queue is over its limit.
    /// </summary>
    /// <exception cref="ArgumentException">The message is empty.</exception>
    public bool TrySend(ReadOnlyMemory<byte> message)
    {
        if (message.IsEmpty)
        {
            throw new ArgumentException("A message must not be empty.", nameof(message));
        }
        if (State is SessionState.Draining or SessionState.Closed
            || _drainOnOpen
            || _queuedBytes + message.Length > _options.MaxSendQueueBytes
            || _nextSeq > uint.MaxValue - 2 * (uint)DatagramLimits.WindowChunks)
        {
            return false;
        }
        _pending.Enqueue(message);
        _queuedBytes += message.Length;
        _messagesSent++;
        return true;
    }

    /// <summary>
    /// Drops queued messages that have not started going out (a slow consumer's backlog); a message already partly
    /// sent is kept so the peer still receives whole messages. Returns the number of bytes dropped.
    /// </summary>
    public long DiscardQueued()
    {
        long dropped = 0;
        var keep = _pendingOffset > 0 && _pending.TryDequeue(out var head) ? head : (ReadOnlyMemory<byte>?)null;
        while (_pending.TryDequeue(out var message))
        {
            dropped += message.Length;
        }
        if (keep is { } partial)
        {
            _pending.Enqueue(partial);
        }
        _queuedBytes -= dropped;
        return dropped;
    }

    /// <summary>Takes the next message delivered in order.</summary>
    public bool TryReceive(out byte[] message) => _reassembler.TryDequeue(out message);

    /// <summary>
    /// Closes the session. With <paramref name="flush"/>, queued and unacknowledged messages are delivered first
    /// (bounded by the dead-peer timeout); then a Close datagram is sent. Idempotent.
    /// </summary>
    public void Close(CloseCode code = CloseCode.Normal, bool flush = true)
    {
        switch (State)
        {
            case SessionState.Closed:
                return;
            case SessionState.Handshaking or SessionState.Connecting when flush && _pending.Count > 0 && !_drainOnOpen:
                // Deliver what was queued once the handshake completes (bounded by the handshake timeout).
                _drainOnOpen = true;
                _pendingCloseCode = code;
                return;
            case SessionState.Handshaking:
                Finish(SessionCloseReason.Local, null);
                return;
            case SessionState.Connecting:
                Finish(SessionCloseReason.Local, code);
                return;
            case SessionState.Open when flush && HasOutstanding:
                State = SessionState.Draining;
                _pendingCloseCode = code;
                return;
            default:
                Finish(SessionCloseReason.Local, code);
                return;
        }
    }

    /// <summary>
    /// Handles one received datagram. Returns false if it was ignored (not for this session, malformed, or out of
    /// place); ignoring is silent and never changes the session.
    /// </summary>
    public bool OnDatagram(ReadOnlySpan<byte> datagram, long nowMs)
    {
        if (!DatagramHeader.TryRead(datagram, out var header))
        {
            return false;
        }
        if (State == SessionState.Closed)
        {
            if (_lingerUntilMs == long.MinValue || header.SessionId != SessionId)
            {
                return false;
            }
            // Lingering after our Close: the peer has not seen it yet, unless this is its own Close.
            if (header.Type == DatagramType.Close)
            {
                _lingerUntilMs = long.MinValue;
            }
            else
            {
                _closeCopies = Math.Max(_closeCopies, 1);
            }
            return true;
        }
        if (State == SessionState.Handshaking)
        {
            if (header.Type != DatagramType.Retry || header.SessionId != _nonce || !HandshakeCodec.TryReadRetry(datagram, out var cookie) || cookie.SessionId == 0)
            {
                return false;
            }
            _cookie = cookie;
            SessionId = cookie.SessionId;
            State = SessionState.Connecting;
            _handshakeNextMs = nowMs;
            _handshakeIntervalMs = _options.HandshakeIntervalMs;
            _bytesReceived += datagram.Length;
            return true;
        }
        if (header.SessionId != SessionId)
        {
            return false;
        }
        switch (header.Type)
        {
            case DatagramType.Accept when _isClient && datagram.Length == DatagramLimits.AcceptBytes:
                if (State == SessionState.Connecting)
                {
                    Open(nowMs);
                }
                _bytesReceived += datagram.Length;
                return true;
            case DatagramType.Connect when !_isClient && HandshakeCodec.TryReadConnect(datagram, out _):
                // The Accept was lost: the client is still connecting.
                _acceptPending = true;
                _bytesReceived += datagram.Length;
                return true;
            case DatagramType.Close when HandshakeCodec.TryReadClose(datagram, out _, out var code):
                PeerCloseCode = code;
                _bytesReceived += datagram.Length;
                Finish(SessionCloseReason.PeerClosed, null);
                return true;
            case DatagramType.Packet:
                return OnPacket(datagram, nowMs);
            default:
                return false;
        }
    }

    /// <summary>
    /// Runs due timers and writes the next datagram to send into <paramref name="destination"/> (at least
    /// <see cref="DatagramLimits.MaxDatagramBytes"/> long). Returns its length, or 0 when there is nothing to send now.
    /// </summary>
    public int Poll(long nowMs, Span<byte> destination)
    {
        if (destination.Length < DatagramLimits.MaxDatagramBytes)
        {
            throw new ArgumentException($"The buffer must hold {DatagramLimits.MaxDatagramBytes} bytes.", nameof(destination));
        }
        RunTimers(nowMs);
        int written;
        switch (State)
        {
            case SessionState.Closed:
                if (_closeCopies > 0 && _closeToSend is { } code && SessionId != 0)
                {
                    if (_lingerUntilMs == long.MinValue && !_noLinger)
                    {
                        _lingerUntilMs = nowMs + Math.Clamp(3L * _rtt.RtoMs, CloseLingerMinMs, CloseLingerMaxMs);
                    }
                    _closeCopies--;
                    written = HandshakeCodec.WriteClose(destination, SessionId, code);
                    break;
                }
                _closeCopies = 0;
                if (nowMs >= _lingerUntilMs)
                {
                    _lingerUntilMs = long.MinValue;
                }
                return 0;
            case SessionState.Handshaking or SessionState.Connecting:
                if (nowMs < _handshakeNextMs)
                {
                    return 0;
                }
                if (State == SessionState.Handshaking)
                {
                    written = HandshakeCodec.WriteInitial(destination, _nonce);
                }
                else
                {
                    if (_connectSends++ == 0)
                    {
                        _connectFirstSentMs = nowMs;
                    }
                    written = HandshakeCodec.WriteConnect(destination, _cookie);
                }
                _handshakeNextMs = nowMs + _handshakeIntervalMs;
                _handshakeIntervalMs = Math.Min(_handshakeIntervalMs * 2, _options.MaxHandshakeIntervalMs);
                break;
            default:
                if (_acceptPending)
                {
                    _acceptPending = false;
                    written = HandshakeCodec.WriteAccept(destination, SessionId);
                    break;
                }
                written = BuildPacket(nowMs, destination);
                if (written == 0)
                {
                    return 0;
                }
                _packetsSent++;
                break;
        }
        _bytesSent += written;
        return written;
    }

    private void Open(long nowMs)
    {
        State = _drainOnOpen ? SessionState.Draining : SessionState.Open;
        _lastElicitingSentMs = nowMs;
        // Karn: only an unambiguous exchange (one Connect, one Accept) gives an RTT sample.
        if (_connectSends == 1)
        {
            _rtt.AddSample(nowMs - _connectFirstSentMs, 0);
        }
    }

    private void Finish(SessionCloseReason reason, CloseCode? send)
    {
        State = SessionState.Closed;
        CloseReason = reason;
        _closeToSend = send;
        // A peer declared dead gets one Close in case it comes back; others get the copies and the linger.
        _closeCopies = send is null ? 0 : reason == SessionCloseReason.DeadPeer ? 1 : CloseCopies;
        _noLinger = reason == SessionCloseReason.DeadPeer;
        _pending.Clear();
        _retransmit.Clear();
        _inFlight.Clear();
        _queuedBytes = 0;
    }

    private void RunTimers(long nowMs)
    {
        switch (State)
        {
            case SessionState.Handshaking or SessionState.Connecting:
                if (nowMs - _handshakeStartMs >= _options.HandshakeTimeoutMs)
                {
                    Finish(SessionCloseReason.HandshakeTimeout, State == SessionState.Connecting ? CloseCode.Timeout : null);
                }
                return;
            case SessionState.Open or SessionState.Draining:
                break;
            default:
                return;
        }
        if (nowMs >= _lossTimerMs)
        {
            DetectLosses(nowMs);
        }
        if (_inFlight.Count > 0 && nowMs >= _rtoDeadlineMs)
        {
            OnRetransmissionTimeout(nowMs);
        }
        if (_awaitingAck && nowMs - _awaitingSinceMs >= _options.DeadPeerTimeoutMs)
        {
            Finish(SessionCloseReason.DeadPeer, CloseCode.Timeout);
            return;
        }
        if (_nextPacketNumber >= uint.MaxValue - 1)
        {
            Finish(SessionCloseReason.Local, CloseCode.Normal);
            return;
        }
        if (State == SessionState.Draining && !HasOutstanding)
        {
            Finish(SessionCloseReason.Local, _pendingCloseCode);
            return;
        }
        if (State == SessionState.Open && !_awaitingAck && nowMs - _lastElicitingSentMs >= _options.KeepaliveIntervalMs)
        {
            _pingPending = true;
        }
    }

    private void OnRetransmissionTimeout(long nowMs)
    {
        foreach (var packet in _inFlight)
        {
            MarkLost(packet);
        }
        _inFlight.Clear();
        _lossTimerMs = long.MaxValue;
        _rtoDeadlineMs = long.MaxValue;
        _rtt.OnTimeout();
        _congestion.OnTimeout(nowMs);
        // Probe even when there is nothing to resend, so that an ack (and an RTT sample) comes back.
        if (_retransmit.Count == 0 && _pending.Count == 0)
        {
            _pingPending = true;
        }
    }

    private void MarkLost(SentPacket packet)
    {
        _packetsLost++;
        _lossEwma += (1 - _lossEwma) / 64;
        if (packet.HasPing)
        {
            _pingPending = true;
        }
        if (packet.Chunks is null)
        {
            return;
        }
        foreach (var chunk in packet.Chunks)
        {
            if (!chunk.Acked && !chunk.Queued)
            {
                chunk.Queued = true;
                _retransmit.Enqueue(chunk);
            }
        }
    }

    private void DetectLosses(long nowMs)
    {
        _lossTimerMs = long.MaxValue;
        if (_largestAcked == 0)
        {
            return;
        }
        long lossDelay = _rtt.LossDelayMs;
        long lostSentMs = long.MinValue;
        for (int i = 0; i < _inFlight.Count; i++)
        {
            var packet = _inFlight[i];
            if (packet.Number > _largestAcked)
            {
                break;
            }
            if (_largestAcked - packet.Number >= 3 || nowMs - packet.SentMs >= lossDelay)
            {
                _inFlight.RemoveAt(i--);
                MarkLost(packet);
                lostSentMs = Math.Max(lostSentMs, packet.SentMs);
            }
            else
            {
                _lossTimerMs = Math.Min(_lossTimerMs, packet.SentMs + lossDelay);
            }
        }
        if (lostSentMs != long.MinValue)
        {
            _congestion.OnLost(lostSentMs, nowMs);
        }
    }

    private bool OnPacket(ReadOnlySpan<byte> datagram, long nowMs)
    {
        if (datagram.Length < DatagramLimits.PacketHeaderBytes)
        {
            return false;
        }
        uint number = BinaryPrimitives.ReadUInt32BigEndian(datagram[10..]);
        uint cumulative = BinaryPrimitives.ReadUInt32BigEndian(datagram[14..]);
        uint largest = BinaryPrimitives.ReadUInt32BigEndian(datagram[18..]);
        ulong bitmap = BinaryPrimitives.ReadUInt64BigEndian(datagram[22..]);
        ushort ackDelay = BinaryPrimitives.ReadUInt16BigEndian(datagram[30..]);
        // An ack for packets or chunks never sent is not from our peer.
        if (number == 0 || largest >= _nextPacketNumber || cumulative > _nextSeq)
        {
            return false;
        }

        // First pass: validate every frame, so that a malformed packet is ignored whole.
        bool ackEliciting = false;
        int position = DatagramLimits.PacketHeaderBytes;
        while (position < datagram.Length)
        {
            var kind = (FrameKind)datagram[position];
            if (kind == FrameKind.Ping)
            {
                ackEliciting = true;
                position++;
                continue;
            }
            if (kind is not (FrameKind.Data or FrameKind.DataEnd) || position + DatagramLimits.ChunkHeaderBytes > datagram.Length)
            {
                return false;
            }
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(datagram[(position + 1)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[(position + 5)..]);
            position += DatagramLimits.ChunkHeaderBytes;
            if (length == 0 || length > datagram.Length - position || !_reassembler.InWindow(seq))
            {
                return false;
            }
            position += length;
            ackEliciting = true;
        }

        _bytesReceived += datagram.Length;
        _packetsReceived++;
        if (State == SessionState.Connecting)
        {
            Open(nowMs);
        }
        OnAck(cumulative, largest, bitmap, ackDelay, nowMs);
        if (State == SessionState.Closed)
        {
            return true;
        }

        bool complete = true;
        position = DatagramLimits.PacketHeaderBytes;
        while (position < datagram.Length)
        {
            var kind = (FrameKind)datagram[position];
            if (kind == FrameKind.Ping)
            {
                position++;
                continue;
            }
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(datagram[(position + 1)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[(position + 5)..]);
            position += DatagramLimits.ChunkHeaderBytes;
            switch (_reassembler.Accept(seq, datagram.Slice(position, length), kind == FrameKind.DataEnd))
            {
                case ChunkOutcome.NoRoom:
                    complete = false;
                    break;
                case ChunkOutcome.TooLarge:
                    Finish(SessionCloseReason.ProtocolViolation, CloseCode.ProtocolViolation);
                    return true;
            }
            position += length;
        }
        // A packet whose chunks were not all kept must not be acknowledged by number: the sender will declare it
        // lost and resend what is missing. The cumulative ack still reports what was delivered in order.
        _received.Record(number, ackEliciting, nowMs, acknowledge: complete);
        return true;
    }

    private void OnAck(uint cumulative, uint largest, ulong bitmap, ushort ackDelayMs, long nowMs)
    {
        if (largest == 0)
        {
            return;
        }
        bool progress = false;
        SentPacket? largestPacket = null;
        for (int i = _inFlight.Count - 1; i >= 0; i--)
        {
            var packet = _inFlight[i];
            if (!IsAcknowledged(packet.Number, largest, bitmap))
            {
                continue;
            }
            _inFlight.RemoveAt(i);
            progress = true;
            _lossEwma -= _lossEwma / 64;
            _congestion.OnAcked(packet.SentMs);
            if (packet.Number == largest)
            {
                largestPacket = packet;
            }
            if (packet.Chunks is not null)
            {
                foreach (var chunk in packet.Chunks)
                {
                    chunk.Acked = true;
                }
            }
        }
        if (largestPacket is not null)
        {
            _rtt.AddSample(nowMs - largestPacket.SentMs, ackDelayMs);
        }
        if (largest > _largestAcked)
        {
            _largestAcked = largest;
        }
        for (uint seq = _sendBase; seq < cumulative; seq++)
        {
            var chunk = _window[seq % DatagramLimits.WindowChunks]!;
            if (!chunk.Acked)
            {
                chunk.Acked = true;
                progress = true;
            }
        }
        while (_sendBase != _nextSeq && _window[_sendBase % DatagramLimits.WindowChunks]!.Acked)
        {
            _window[_sendBase % DatagramLimits.WindowChunks] = null;
            _sendBase++;
        }
        if (progress)
        {
            _awaitingSinceMs = nowMs;
            _rtoDeadlineMs = _inFlight.Count > 0 ? nowMs + _rtt.RtoMs : long.MaxValue;
        }
        DetectLosses(nowMs);
        if (_sendBase == _nextSeq && _inFlight.Count == 0)
        {
            // Everything sent is acknowledged; chunks still queued for retransmission were acked by other copies.
            _awaitingAck = false;
            _retransmit.Clear();
        }
    }

    private static bool IsAcknowledged(uint number, uint largest, ulong bitmap)
    {
        if (number == largest)
        {
            return true;
        }
        if (number > largest)
        {
            return false;
        }
        uint distance = largest - number;
        return distance <= DatagramLimits.AckBitmapBits && (bitmap & (1UL << (int)(distance - 1))) != 0;
    }

    private int BuildPacket(long nowMs, Span<byte> destination)
    {
        int position = DatagramLimits.PacketHeaderBytes;
        List<SendChunk>? chunks = null;
        bool ping = false;
        if (_inFlight.Count < _congestion.Packets)
        {
            while (_retransmit.TryPeek(out var chunk))
            {
                if (chunk.Acked)
                {
                    _retransmit.Dequeue().Queued = false;
                    continue;
                }
                if (position + chunk.WireBytes > DatagramLimits.MaxDatagramBytes)
                {
                    break;
                }
                _retransmit.Dequeue().Queued = false;
                position = WriteChunk(destination, position, chunk);
                (chunks ??= []).Add(chunk);
                _retransmits++;
            }
            while (_pending.TryPeek(out var message) && _nextSeq - _sendBase < DatagramLimits.WindowChunks)
            {
                int space = DatagramLimits.MaxDatagramBytes - position - DatagramLimits.ChunkHeaderBytes;
                int remaining = message.Length - _pendingOffset;
                int take = Math.Min(remaining, space);
                // Do not cut a tiny tail fragment into a nearly full packet; start a fresh packet instead.
                if (take <= 0 || (take < remaining && take < MinTailChunkBytes && chunks is not null))
                {
                    break;
                }
                bool end = take == remaining;
                var chunk = new SendChunk(_nextSeq, message.Slice(_pendingOffset, take), end);
                _window[_nextSeq % DatagramLimits.WindowChunks] = chunk;
                _nextSeq++;
                position = WriteChunk(destination, position, chunk);
                (chunks ??= []).Add(chunk);
                if (end)
                {
                    _pending.Dequeue();
                    _pendingOffset = 0;
                    _queuedBytes -= message.Length;
                }
                else
                {
                    _pendingOffset += take;
                }
            }
            if (chunks is null && _pingPending)
            {
                destination[position++] = (byte)FrameKind.Ping;
                ping = true;
            }
        }
        bool ackEliciting = chunks is not null || ping;
        if (!ackEliciting && !_received.AckDue(nowMs))
        {
            return 0;
        }

        uint number = _nextPacketNumber++;
        new DatagramHeader(DatagramType.Packet, SessionId).Write(destination);
        BinaryPrimitives.WriteUInt32BigEndian(destination[10..], number);
        BinaryPrimitives.WriteUInt32BigEndian(destination[14..], _reassembler.Next);
        BinaryPrimitives.WriteUInt32BigEndian(destination[18..], _received.Largest);
        BinaryPrimitives.WriteUInt64BigEndian(destination[22..], _received.Bitmap);
        long delay = _received.Largest == 0 ? 0 : nowMs - _received.LargestReceivedMs;
        BinaryPrimitives.WriteUInt16BigEndian(destination[30..], (ushort)Math.Clamp(delay, 0, ushort.MaxValue));
        _received.OnAckSent();

        if (ackEliciting)
        {
            _pingPending = false;
            _inFlight.Add(new SentPacket(number, nowMs, chunks, ping));
            _lastElicitingSentMs = nowMs;
            if (!_awaitingAck)
            {
                _awaitingAck = true;
                _awaitingSinceMs = nowMs;
            }
            if (_inFlight.Count == 1 || _rtoDeadlineMs == long.MaxValue)
            {
                _rtoDeadlineMs = nowMs + _rtt.RtoMs;
            }
        }
        return position;
    }

    private static int WriteChunk(Span<byte> destination, int position, SendChunk chunk)
    {
        destination[position] = (byte)(chunk.End ? FrameKind.DataEnd : FrameKind.Data);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(position + 1)..], chunk.Seq);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 5)..], (ushort)chunk.Data.Length);
        chunk.Data.Span.CopyTo(destination[(position + DatagramLimits.ChunkHeaderBytes)..]);
        return position + chunk.WireBytes;
    }
}
