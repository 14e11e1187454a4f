namespace TermChat.Protocol.Datagrams;

/// <summary>One numbered piece of a message on the send side. It keeps its number and bytes until acknowledged.</summary>
internal sealed class SendChunk(uint seq, ReadOnlyMemory<byte> data, bool end)
{
    public uint Seq { get; } = seq;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public bool End { get; } = end;

    public bool Acked { get; set; }

    /// <summary>Waiting in the retransmission queue.</summary>
    public bool Queued { get; set; }

    public int WireBytes => DatagramLimits.ChunkHeaderBytes + Data.Length;
}
