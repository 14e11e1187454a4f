namespace TermChat.Client.Transports;

/// <summary>Why a connection attempt failed; each has its own message and hint.</summary>
public enum ConnectFailure
{
    /// <summary>Nothing listens on that port (TCP RST, or no UDP answer with ICMP port unreachable).</summary>
    Refused,
    /// <summary>No answer within the connect timeout.</summary>
    TimedOut,
    /// <summary>No route to the host or network.</summary>
    Unreachable,
    /// <summary>The host name does not resolve.</summary>
    NameNotResolved,
    /// <summary>The peer answered but is not a TermChat server, or broke the protocol.</summary>
    Protocol,
    /// <summary>The server refused the session (nick in use, server full, ...).</summary>
    Rejected,
    /// <summary>The server's key differs from the one pinned for it (or TLS failed): never retried on its own.</summary>
    UntrustedKey,
    /// <summary>Any other network failure.</summary>
    Other,
}
