namespace TermChat.Protocol.Datagrams;

/// <summary>An ack-eliciting packet in flight: what it carried and when it left.</summary>
internal sealed class SentPacket(uint number, long sentMs, List<SendChunk>? chunks, bool hasPing)
{
    public uint Number { get; } = number;

    public long SentMs { get; } = sentMs;

    public List<SendChunk>? Chunks { get; } = chunks;

    public bool HasPing { get; } = hasPing;
}
