namespace TermChat.Protocol.Datagrams;

/// <summary>What <see cref="DatagramServer.Route"/> did with a datagram.</summary>
public enum DatagramRoute
{
    /// <summary>Ignored silently: not TermChat, unknown or foreign session, wrong endpoint, bad cookie, malformed.</summary>
    Dropped,
    /// <summary>A stateless reply (a Retry) was written; send it back to the sender.</summary>
    Reply,
    /// <summary>A valid Connect created a session; poll it (its first datagram is the Accept).</summary>
    SessionCreated,
    /// <summary>An existing session took the datagram; poll it and drain its messages.</summary>
    Session,
}
