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
/// The session is the state machine (handshake, open, draining, closed) over parts that each own one job: the
/// <see cref="ClientHandshake"/>, the <see cref="SendWindow"/> (queue, chunks in flight, loss, congestion, keepalive),
/// the <see cref="ReceiveWindow"/> (reassembly and acknowledgements) and the <see cref="CloseSender"/>.
/// </remarks>
public sealed class ReliableSession
{
    private readonly DatagramOptions _options;
    private readonly bool _isClient;
    private readonly RttEstimator _rtt;
    private readonly ClientHandshake _handshake;
    private readonly SendWindow _send;
    private readonly ReceiveWindow _receive;
    private readonly CloseSender _close = new();

    // The server answers a Connect with Accept on the next Poll (and again if the client repeats its Connect).
    private bool _acceptPending;
    // Close(flush: true) before the session was open or while data was outstanding: close with this code once drained.
    private CloseCode _pendingCloseCode;
    private bool _drainOnOpen;

    private long _packetsSent;
    private long _bytesSent;
    private long _bytesReceived;

    private ReliableSession(bool isClient, ulong sessionId, ulong nonce, DatagramOptions options, long nowMs)
    {
        _isClient = isClient;
        SessionId = sessionId;
        _options = options;
        _rtt = new RttEstimator(options);
        _handshake = new ClientHandshake(options, nonce, nowMs);
        _send = new SendWindow(options, _rtt, nowMs);
        _receive = new ReceiveWindow(options);
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
    public ulong Nonce => _handshake.Nonce;

    public SessionState State { get; private set; }

    public SessionCloseReason CloseReason { get; private set; }

    /// <summary>The close code the peer sent, when <see cref="CloseReason"/> is <see cref="SessionCloseReason.PeerClosed"/>.</summary>
    public CloseCode PeerCloseCode { get; private set; }

    /// <summary>Bytes of messages accepted by <see cref="TrySend"/> and not yet cut into chunks.</summary>
    public long QueuedBytes => _send.QueuedBytes;

    /// <summary>Whether anything sent is still waiting for acknowledgement or in the queue.</summary>
    public bool HasOutstanding => _send.HasOutstanding;

    /// <summary>The time at which <see cref="Poll"/> must be called again, even if nothing arrives.</summary>
    public long NextTimerMs => State switch
    {
        SessionState.Closed => _close.NextTimerMs,
        SessionState.Handshaking or SessionState.Connecting => _handshake.NextTimerMs,
        _ when _acceptPending => long.MinValue,
        _ => Math.Min(_receive.AckDeadlineMs, _send.NextTimerMs(keepalive: State == SessionState.Open)),
    };

    /// <summary>A snapshot of the link figures.</summary>
    public DatagramStats Stats => new(
        _rtt.HasSample ? _rtt.SmoothedMs : 0,
        _rtt.VarianceMs,
        _rtt.RtoMs,
        _send.LossRate * 100,
        _packetsSent,
        _receive.PacketsReceived,
        _send.PacketsLost,
        _send.Retransmits,
        _receive.Duplicates,
        _send.InFlight,
        _send.CongestionPackets,
        _send.MessagesSent,
        _receive.MessagesDelivered,
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
        return State is not (SessionState.Draining or SessionState.Closed) && !_drainOnOpen && _send.TryQueue(message);
    }

    /// <summary>
    /// Drops queued messages that have not started going out (a slow consumer's backlog); a message already partly
    /// sent is kept so the peer still receives whole messages. Returns the number of bytes dropped.
    /// </summary>
    public long DiscardQueued() => _send.DiscardQueued();

    /// <summary>Takes the next message delivered in order.</summary>
    public bool TryReceive(out byte[] message) => _receive.TryReceive(out message);

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
            case SessionState.Handshaking or SessionState.Connecting when flush && _send.HasQueued && !_drainOnOpen:
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
            // Lingering after our Close: the peer has not seen it yet, unless this is its own Close.
            if (!_close.Lingering || header.SessionId != SessionId)
            {
                return false;
            }
            _close.OnPeerDatagram(header.Type);
            return true;
        }
        if (State == SessionState.Handshaking)
        {
            if (header.Type != DatagramType.Retry || header.SessionId != Nonce || !HandshakeCodec.TryReadRetry(datagram, out var cookie) || cookie.SessionId == 0)
            {
                return false;
            }
            _handshake.OnRetry(cookie, nowMs);
            SessionId = cookie.SessionId;
            State = SessionState.Connecting;
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
                written = _close.Poll(nowMs, destination, SessionId, _rtt.RtoMs);
                break;
            case SessionState.Handshaking or SessionState.Connecting:
                written = _handshake.Poll(nowMs, destination, connecting: State == SessionState.Connecting);
                break;
            default:
                if (_acceptPending)
                {
                    _acceptPending = false;
                    written = HandshakeCodec.WriteAccept(destination, SessionId);
                    break;
                }
                written = BuildPacket(nowMs, destination);
                if (written > 0)
                {
                    _packetsSent++;
                }
                break;
        }
        _bytesSent += written;
        return written;
    }

    private void Open(long nowMs)
    {
        State = _drainOnOpen ? SessionState.Draining : SessionState.Open;
        _send.OnOpen(nowMs);
        if (_handshake.RttSampleMs(nowMs) is { } sample)
        {
            _rtt.AddSample(sample, 0);
        }
    }

    private void Finish(SessionCloseReason reason, CloseCode? send)
    {
        State = SessionState.Closed;
        CloseReason = reason;
        _close.Start(send, deadPeer: reason == SessionCloseReason.DeadPeer);
        _send.Clear();
    }

    private void RunTimers(long nowMs)
    {
        switch (State)
        {
            case SessionState.Handshaking or SessionState.Connecting:
                if (_handshake.TimedOut(nowMs))
                {
                    Finish(SessionCloseReason.HandshakeTimeout, State == SessionState.Connecting ? CloseCode.Timeout : null);
                }
                return;
            case SessionState.Open or SessionState.Draining:
                break;
            default:
                return;
        }
        _send.RunTimers(nowMs);
        if (_send.PeerSilent(nowMs))
        {
            Finish(SessionCloseReason.DeadPeer, CloseCode.Timeout);
        }
        else if (_send.PacketNumbersExhausted)
        {
            Finish(SessionCloseReason.Local, CloseCode.Normal);
        }
        else if (State == SessionState.Draining && !HasOutstanding)
        {
            Finish(SessionCloseReason.Local, _pendingCloseCode);
        }
        else if (State == SessionState.Open)
        {
            _send.PingIfIdle(nowMs);
        }
    }

    private bool OnPacket(ReadOnlySpan<byte> datagram, long nowMs)
    {
        if (datagram.Length < DatagramLimits.PacketHeaderBytes)
        {
            return false;
        }
        uint number = BinaryPrimitives.ReadUInt32BigEndian(datagram[DatagramLimits.HeaderBytes..]);
        var ack = AckBlock.Read(datagram);
        // The whole packet is checked before any of it is acted on, so a malformed one is ignored whole.
        if (number == 0 || !_send.IsPlausible(ack) || !_receive.CheckFrames(datagram, out bool ackEliciting))
        {
            return false;
        }
        _bytesReceived += datagram.Length;
        if (State == SessionState.Connecting)
        {
            Open(nowMs);
        }
        _send.OnAck(ack, nowMs);
        if (!_receive.Accept(datagram, number, ackEliciting, nowMs))
        {
            Finish(SessionCloseReason.ProtocolViolation, CloseCode.ProtocolViolation);
        }
        return true;
    }

    private int BuildPacket(long nowMs, Span<byte> destination)
    {
        int position = DatagramLimits.PacketHeaderBytes;
        bool ackEliciting = _send.WriteFrames(destination, ref position, out var chunks, out bool ping);
        if (!ackEliciting && !_receive.AckDue(nowMs))
        {
            return 0;
        }
        uint number = _send.TakePacketNumber();
        new DatagramHeader(DatagramType.Packet, SessionId).Write(destination);
        BinaryPrimitives.WriteUInt32BigEndian(destination[DatagramLimits.HeaderBytes..], number);
        _receive.TakeAck(nowMs).Write(destination);
        if (ackEliciting)
        {
            _send.OnElicitingSent(number, nowMs, chunks, ping);
        }
        return position;
    }
}
