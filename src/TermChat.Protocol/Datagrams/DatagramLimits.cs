namespace TermChat.Protocol.Datagrams;

/// <summary>Wire constants of the datagram layer (PROTOCOL-DATAGRAMS.md). Both peers must agree on them.</summary>
public static class DatagramLimits
{
    /// <summary>First byte of every datagram: 0xD = TermChat datagram, low nibble = datagram protocol version 1.</summary>
    public const byte Marker = 0xD1;

    /// <summary>No datagram is larger: fits the IPv6 minimum MTU (1280) minus IP and UDP headers with room to spare.</summary>
    public const int MaxDatagramBytes = 1200;

    /// <summary>An Initial datagram must be exactly this large, so the server's reply can stay under 3× what it received.</summary>
    public const int InitialBytes = MaxDatagramBytes;

    /// <summary>Marker, type and session id.</summary>
    public const int HeaderBytes = 1 + 1 + 8;

    /// <summary>Common header, packet number, cumulative ack, largest received, ack bitmap, ack delay.</summary>
    public const int PacketHeaderBytes = HeaderBytes + 4 + 4 + 4 + 8 + 2;

    /// <summary>Frame kind, sequence number and length in front of each data chunk.</summary>
    public const int ChunkHeaderBytes = 1 + 4 + 2;

    /// <summary>The most data one chunk can hold (a packet with a single chunk).</summary>
    public const int MaxChunkBytes = MaxDatagramBytes - PacketHeaderBytes - ChunkHeaderBytes;

    /// <summary>
    /// Chunks a receiver buffers beyond its cumulative point; a sender never sends a sequence number at or past
    /// (peer's cumulative ack + this). Bounds both reorder buffers.
    /// </summary>
    public const int WindowChunks = 1024;

    /// <summary>Packets below the largest received that the selective ack bitmap covers.</summary>
    public const int AckBitmapBits = 64;

    /// <summary>Payload of a Retry and of a Connect: session id or nonce, timestamp, 16-byte tag.</summary>
    public const int CookieMessageBytes = HeaderBytes + 8 + 8 + CookieTagBytes;

    /// <summary>Bytes of the truncated HMAC-SHA256 in a cookie.</summary>
    public const int CookieTagBytes = 16;

    /// <summary>Size of an Accept datagram (header only).</summary>
    public const int AcceptBytes = HeaderBytes;

    /// <summary>Size of a Close datagram (header plus reason byte).</summary>
    public const int CloseBytes = HeaderBytes + 1;
}
