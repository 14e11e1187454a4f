namespace TermChat.Protocol.Datagrams;

/// <summary>The frames a <see cref="DatagramType.Packet"/> carries after its acknowledgement block.</summary>
public enum FrameKind : byte
{
    /// <summary>A chunk of a message that continues in the next sequence number.</summary>
    Data = 0x01,
    /// <summary>The last (or only) chunk of a message.</summary>
    DataEnd = 0x02,
    /// <summary>Asks for an acknowledgement; carries nothing. Used for keepalive and probes.</summary>
    Ping = 0x03,
}
