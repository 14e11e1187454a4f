namespace TermChat.Server.Connections;

/// <summary>What a TCP connection speaks, decided by its first byte (PROTOCOL.md section 1).</summary>
internal enum StreamKind
{
    /// <summary>Nothing received yet.</summary>
    Undecided,
    /// <summary>TermChat frames straight on the socket.</summary>
    Plaintext,
    /// <summary>TLS 1.3, TermChat frames inside.</summary>
    Tls,
}
