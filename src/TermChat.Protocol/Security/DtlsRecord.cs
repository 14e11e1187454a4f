namespace TermChat.Protocol.Security;

/// <summary>
/// How a UDP server tells DTLS from plaintext datagrams on one port (PROTOCOL-DATAGRAMS.md section 12): a DTLS record
/// starts with its content type, 20 to 25 (change_cipher_spec, alert, handshake, application_data, heartbeat, tls12_cid;
/// RFC 7983's range for DTLS is 20–63), and a plaintext TermChat datagram starts with its marker 0xD1.
/// </summary>
public static class DtlsRecord
{
    /// <summary>The lowest DTLS content type (change_cipher_spec).</summary>
    public const byte FirstContentType = 20;

    /// <summary>The highest DTLS 1.2 content type (tls12_cid, RFC 9146).</summary>
    public const byte LastContentType = 25;

    /// <summary>
    /// Bytes a DTLS 1.2 record adds around a datagram with the one cipher suite TermChat offers
    /// (ECDHE-ECDSA-CHACHA20-POLY1305): a 13-byte record header and a 16-byte tag, no explicit nonce.
    /// </summary>
    public const int OverheadBytes = 13 + 16;

    /// <summary>
    /// The largest encrypted datagram: a full 1200-byte datagram of the reliable layer plus <see cref="OverheadBytes"/>
    /// (1229), within the 1232 bytes of UDP payload the IPv6 minimum MTU carries. Handshake flights are cut to this too.
    /// </summary>
    public const int MaxDatagramBytes = 1232;

    /// <summary>Whether a datagram that starts with <paramref name="first"/> is a DTLS record.</summary>
    public static bool IsDtls(byte first) => first is >= FirstContentType and <= LastContentType;
}
