namespace TermChat.Client.Transports;

/// <summary>Whether a link is encrypted: TLS over TCP, DTLS over UDP (docs/SECURITY.md; decided by <see cref="LinkEncryption"/>).</summary>
public enum TlsMode
{
    /// <summary>TLS or DTLS to every address that is not loopback; plaintext to loopback, whose traffic never leaves the machine.</summary>
    Auto,
    /// <summary>TLS or DTLS always, loopback included (<c>--tls</c>).</summary>
    Require,
    /// <summary>Plaintext always (<c>--plaintext</c>): only a server with <c>--allow-plaintext</c> accepts it from afar.</summary>
    Off,
}
