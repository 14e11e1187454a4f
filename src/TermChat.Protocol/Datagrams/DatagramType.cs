namespace TermChat.Protocol.Datagrams;

/// <summary>The second byte of every TermChat datagram (PROTOCOL-DATAGRAMS.md, "Datagram types").</summary>
public enum DatagramType : byte
{
    /// <summary>Client → server, padded to 1200 bytes: asks for a cookie. The session id field holds the client's nonce.</summary>
    Initial = 0x01,
    /// <summary>Server → client: the cookie and the session id the server will use; sent without keeping state.</summary>
    Retry = 0x02,
    /// <summary>Client → server: echoes the cookie; the server creates the session.</summary>
    Connect = 0x03,
    /// <summary>Server → client: the session exists.</summary>
    Accept = 0x04,
    /// <summary>Either way: packet number, acknowledgement block and frames (data chunks, ping).</summary>
    Packet = 0x05,
    /// <summary>Either way: the sender has closed the session.</summary>
    Close = 0x06,
}
