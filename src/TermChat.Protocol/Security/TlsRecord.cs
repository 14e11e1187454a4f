namespace TermChat.Protocol.Security;

/// <summary>
/// How a server tells TLS from TermChat frames on one port (PROTOCOL.md section 1): a TLS connection opens with a
/// handshake record, whose first byte is 0x16; a TermChat frame opens with the high byte of its length, which is 0x16
/// only for lengths of 369,098,752 bytes and more, far past any frame limit.
/// </summary>
public static class TlsRecord
{
    /// <summary>The content type of a TLS handshake record, the first byte a TLS client sends.</summary>
    public const byte Handshake = 0x16;

    /// <summary>Whether a stream that starts with <paramref name="first"/> is TLS.</summary>
    public static bool StartsTls(byte first) => first == Handshake;
}
