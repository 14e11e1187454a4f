namespace TermChat.Protocol.Datagrams;

/// <summary>Where a <see cref="ReliableSession"/> is in its life.</summary>
public enum SessionState
{
    /// <summary>Client only: sending Initial datagrams, waiting for a Retry.</summary>
    Handshaking,
    /// <summary>Client only: sending Connect datagrams, waiting for an Accept.</summary>
    Connecting,
    /// <summary>Messages flow both ways.</summary>
    Open,
    /// <summary>Closing after every queued message has been acknowledged.</summary>
    Draining,
    /// <summary>Finished; <see cref="ReliableSession.CloseReason"/> says why.</summary>
    Closed,
}
