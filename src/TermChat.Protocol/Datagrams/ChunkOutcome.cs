namespace TermChat.Protocol.Datagrams;

/// <summary>What the reassembler did with one received chunk.</summary>
internal enum ChunkOutcome
{
    /// <summary>Delivered, buffered, or recognised as a duplicate.</summary>
    Stored,
    /// <summary>Early and over the reassembly cap: dropped, so its packet must not be acknowledged.</summary>
    NoRoom,
    /// <summary>It made a message larger than the incoming limit: a protocol violation.</summary>
    TooLarge,
}
