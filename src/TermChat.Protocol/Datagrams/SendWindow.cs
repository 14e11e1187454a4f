using System.Buffers.Binary;

namespace TermChat.Protocol.Datagrams;

/// <summary>
/// The send side of a <see cref="ReliableSession"/>: queued messages, the window of numbered chunks not yet
/// acknowledged, the packets in flight, loss detection (packet threshold, time threshold, retransmission timeout),
/// congestion control, and the keepalive and dead-peer clocks that run on acknowledgements. Sans-IO like the session.
/// </summary>
internal sealed class SendWindow
{
    private const int MinTailChunkBytes = 64;

    private readonly DatagramOptions _options;
    private readonly RttEstimator _rtt;
    private readonly CongestionWindow _congestion;

    private readonly Queue<ReadOnlyMemory<byte>> _pending = new();
    private int _pendingOffset;
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
    private double _lossEwma;

    public SendWindow(DatagramOptions options, RttEstimator rtt, long nowMs)
    {
        _options = options;
        _rtt = rtt;
        _congestion = new CongestionWindow(options);
        _lastElicitingSentMs = nowMs;
    }

    /// <summary>Bytes of queued messages not yet cut into chunks.</summary>
    public long QueuedBytes { get; private set; }

    /// <summary>Whether a message is queued (whole or in part) that has not been cut into chunks.</summary>
    public bool HasQueued => _pending.Count > 0;

    /// <summary>Whether anything sent is still waiting for acknowledgement or in the queue.</summary>
    public bool HasOutstanding => _sendBase != _nextSeq || _inFlight.Count > 0 || _pending.Count > 0 || _retransmit.Count > 0;

    /// <summary>Packet numbers are never reused: the session must end before they run out.</summary>
    public bool PacketNumbersExhausted => _nextPacketNumber >= uint.MaxValue - 1;

    public int InFlight => _inFlight.Count;

    public int CongestionPackets => _congestion.Packets;

    public long PacketsLost { get; private set; }

    public long Retransmits { get; private set; }

    public long MessagesSent { get; private set; }

    /// <summary>Share of ack-eliciting packets declared lost, smoothed over about 64 packets (0 to 1).</summary>
    public double LossRate => _lossEwma;

    /// <summary>
    /// When the send side needs a timer: loss detection, retransmission timeout, and either the dead-peer bound
    /// (while waiting for an acknowledgement) or, with <paramref name="keepalive"/>, the next keepalive ping.
    /// </summary>
    public long NextTimerMs(bool keepalive)
    {
        long next = _lossTimerMs;
        if (_inFlight.Count > 0)
        {
            next = Math.Min(next, _rtoDeadlineMs);
        }
        if (_awaitingAck)
        {
            next = Math.Min(next, _awaitingSinceMs + _options.DeadPeerTimeoutMs);
        }
        else if (keepalive)
        {
            next = Math.Min(next, _lastElicitingSentMs + _options.KeepaliveIntervalMs);
        }
        return next;
    }

    /// <summary>Queues a message; false when the queue is over its limit or chunk numbers are running out.</summary>
    public bool TryQueue(ReadOnlyMemory<byte> message)
    {
        if (QueuedBytes + message.Length > _options.MaxSendQueueBytes || _nextSeq > uint.MaxValue - 2 * (uint)DatagramLimits.WindowChunks)
        {
            return false;
        }
        _pending.Enqueue(message);
        QueuedBytes += message.Length;
        MessagesSent++;
        return true;
    }

    /// <summary>Drops queued messages that have not started going out; a message partly sent is kept whole.</summary>
    /// <returns>The bytes dropped.</returns>
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
        QueuedBytes -= dropped;
        return dropped;
    }

    /// <summary>Forgets everything queued and in flight (the session has closed).</summary>
    public void Clear()
    {
        _pending.Clear();
        _retransmit.Clear();
        _inFlight.Clear();
        QueuedBytes = 0;
    }

    /// <summary>The session opened: the keepalive clock starts now.</summary>
    public void OnOpen(long nowMs) => _lastElicitingSentMs = nowMs;

    /// <summary>Whether the peer has acknowledged nothing for the dead-peer timeout while we waited.</summary>
    public bool PeerSilent(long nowMs) => _awaitingAck && nowMs - _awaitingSinceMs >= _options.DeadPeerTimeoutMs;

    /// <summary>Runs loss detection and the retransmission timeout when they are due.</summary>
    public void RunTimers(long nowMs)
    {
        if (nowMs >= _lossTimerMs)
        {
            DetectLosses(nowMs);
        }
        if (_inFlight.Count > 0 && nowMs >= _rtoDeadlineMs)
        {
            OnRetransmissionTimeout(nowMs);
        }
    }

    /// <summary>Asks for a ping when nothing ack-eliciting has gone out for the keepalive interval.</summary>
    public void PingIfIdle(long nowMs)
    {
        if (!_awaitingAck && nowMs - _lastElicitingSentMs >= _options.KeepaliveIntervalMs)
        {
            _pingPending = true;
        }
    }

    /// <summary>An acknowledgement for packets or chunks never sent is not from our peer.</summary>
    public bool IsPlausible(AckBlock ack) => ack.Largest < _nextPacketNumber && ack.Cumulative <= _nextSeq;

    /// <summary>Takes an acknowledgement: frees acknowledged packets and chunks, samples the RTT, detects losses.</summary>
    public void OnAck(AckBlock ack, long nowMs)
    {
        if (ack.Largest == 0)
        {
            return;
        }
        bool progress = false;
        SentPacket? largestPacket = null;
        for (int i = _inFlight.Count - 1; i >= 0; i--)
        {
            var packet = _inFlight[i];
            if (!ack.Acknowledges(packet.Number))
            {
                continue;
            }
            _inFlight.RemoveAt(i);
            progress = true;
            _lossEwma -= _lossEwma / 64;
            _congestion.OnAcked(packet.SentMs);
            if (packet.Number == ack.Largest)
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
            _rtt.AddSample(nowMs - largestPacket.SentMs, ack.DelayMs);
        }
        if (ack.Largest > _largestAcked)
        {
            _largestAcked = ack.Largest;
        }
        for (uint seq = _sendBase; seq < ack.Cumulative; seq++)
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

    /// <summary>
    /// Writes the frames of the next packet from <paramref name="position"/> on, as far as the congestion window lets:
    /// chunks to retransmit first, then new chunks cut from the queue, or else a pending ping.
    /// </summary>
    /// <returns>Whether anything was written (the packet is ack-eliciting).</returns>
    public bool WriteFrames(Span<byte> destination, ref int position, out List<SendChunk>? chunks, out bool ping)
    {
        chunks = null;
        ping = false;
        if (_inFlight.Count >= _congestion.Packets)
        {
            return false;
        }
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
            Retransmits++;
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
                QueuedBytes -= message.Length;
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
        return chunks is not null || ping;
    }

    /// <summary>The number of the packet about to be sent; every packet, acks alone included, takes one.</summary>
    public uint TakePacketNumber() => _nextPacketNumber++;

    /// <summary>An ack-eliciting packet left: it is in flight, and the retransmission and dead-peer clocks run.</summary>
    public void OnElicitingSent(uint number, long nowMs, List<SendChunk>? chunks, bool ping)
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
        PacketsLost++;
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

    private static int WriteChunk(Span<byte> destination, int position, SendChunk chunk)
    {
        destination[position] = (byte)(chunk.End ? FrameKind.DataEnd : FrameKind.Data);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(position + 1)..], chunk.Seq);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 5)..], (ushort)chunk.Data.Length);
        chunk.Data.Span.CopyTo(destination[(position + DatagramLimits.ChunkHeaderBytes)..]);
        return position + chunk.WireBytes;
    }
}
