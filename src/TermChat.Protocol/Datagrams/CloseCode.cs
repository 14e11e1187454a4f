namespace TermChat.Protocol.Datagrams;

/// <summary>The reason byte of a <see cref="DatagramType.Close"/> datagram.</summary>
public enum CloseCode : byte
{
    /// <summary>The peer closed the session on purpose.</summary>
    Normal = 0,
    /// <summary>The peer received something that breaks the datagram protocol.</summary>
    ProtocolViolation = 1,
    /// <summary>The peer gave up waiting for acknowledgements.</summary>
    Timeout = 2,
    /// <summary>The server is shutting down.</summary>
    Shutdown = 3,
}
