namespace TermChat.Server;

/// <summary>Why a connection ended; counted in <see cref="ServerStats"/>.</summary>
public enum DisconnectReason
{
    /// <summary>The peer closed or reset the connection.</summary>
    PeerClosed,
    /// <summary>The client said Bye.</summary>
    Bye,
    /// <summary>A malformed, oversized or invalid frame.</summary>
    ProtocolError,
    /// <summary>No handshake in time.</summary>
    HandshakeTimeout,
    /// <summary>Silent for too long.</summary>
    IdleTimeout,
    /// <summary>Slow consumer: the send queue passed its bound.</summary>
    SendQueueExceeded,
    /// <summary>Refused: the server was full.</summary>
    ServerFull,
    /// <summary>Refused: too many connections from the address.</summary>
    TooManyConnections,
    /// <summary>The server shut down.</summary>
    Shutdown,
    /// <summary>The server failed handling the connection.</summary>
    InternalError,
}
