namespace TermChat.Protocol.Datagrams;

/// <summary>
/// Tunables of a <see cref="ReliableSession"/>. The defaults are the documented ones (PROTOCOL-DATAGRAMS.md,
/// "Timers"); tests shorten the timeouts.
/// </summary>
public sealed record DatagramOptions
{
    /// <summary>The defaults.</summary>
    public static DatagramOptions Default { get; } = new();

    /// <summary>Retransmission timeout before any RTT sample (RFC 6298 says 1 s; chat links are short).</summary>
    public int InitialRtoMs { get; init; } = 500;

    /// <summary>Lower clamp of the retransmission timeout.</summary>
    public int MinRtoMs { get; init; } = 50;

    /// <summary>Upper clamp of the retransmission timeout, also after doubling.</summary>
    public int MaxRtoMs { get; init; } = 2000;

    /// <summary>An acknowledgement goes out at most this long after an ack-eliciting packet arrived.</summary>
    public int MaxAckDelayMs { get; init; } = 25;

    /// <summary>An acknowledgement goes out at once after this many unacknowledged ack-eliciting packets.</summary>
    public int AckElicitingThreshold { get; init; } = 2;

    /// <summary>A ping is sent when nothing ack-eliciting has been sent for this long.</summary>
    public int KeepaliveIntervalMs { get; init; } = 5000;

    /// <summary>The peer is declared dead when sent packets stay unacknowledged with no ack progress for this long.</summary>
    public int DeadPeerTimeoutMs { get; init; } = 15_000;

    /// <summary>Client: first handshake retransmission interval; doubles up to <see cref="MaxHandshakeIntervalMs"/>.</summary>
    public int HandshakeIntervalMs { get; init; } = 250;

    /// <summary>Client: the largest handshake retransmission interval.</summary>
    public int MaxHandshakeIntervalMs { get; init; } = 1000;

    /// <summary>Client: give up when the handshake has not completed after this long.</summary>
    public int HandshakeTimeoutMs { get; init; } = 15_000;

    /// <summary>Congestion window at start, in ack-eliciting packets.</summary>
    public int InitialWindowPackets { get; init; } = 10;

    /// <summary>The congestion window never shrinks below this many packets.</summary>
    public int MinWindowPackets { get; init; } = 2;

    /// <summary>The congestion window never grows beyond this many packets (the ack bitmap covers 64).</summary>
    public int MaxWindowPackets { get; init; } = 64;

    /// <summary>The largest message accepted from the peer; a larger one is a protocol violation.</summary>
    public int MaxIncomingMessageBytes { get; init; } = ProtocolLimits.MaxFrameBytes + ProtocolLimits.LengthPrefixBytes;

    /// <summary>Bytes of chunks buffered out of order; a packet that would exceed it is dropped unacknowledged.</summary>
    public int MaxOutOfOrderBytes { get; init; } = 256 * 1024;

    /// <summary>Bytes of messages queued for sending; <see cref="ReliableSession.TrySend"/> fails beyond it.</summary>
    public int MaxSendQueueBytes { get; init; } = 4 * 1024 * 1024;
}
