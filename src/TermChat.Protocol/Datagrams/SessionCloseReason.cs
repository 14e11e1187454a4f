namespace TermChat.Protocol.Datagrams;

/// <summary>Why a <see cref="ReliableSession"/> reached <see cref="SessionState.Closed"/>.</summary>
public enum SessionCloseReason
{
    /// <summary>The session is not closed.</summary>
    None,
    /// <summary>This side called <see cref="ReliableSession.Close"/>.</summary>
    Local,
    /// <summary>The peer sent a Close datagram.</summary>
    PeerClosed,
    /// <summary>Packets stayed unacknowledged for longer than the dead-peer timeout.</summary>
    DeadPeer,
    /// <summary>Client only: the server never completed the handshake.</summary>
    HandshakeTimeout,
    /// <summary>The peer broke the protocol (for example a message larger than allowed).</summary>
    ProtocolViolation,
}
