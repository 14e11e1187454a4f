namespace TermChat.Client.Transports;

/// <summary>Whether a TCP link uses TLS (docs/SECURITY.md).</summary>
public enum TlsMode
{
    /// <summary>TLS to every address that is not loopback; plaintext to loopback, whose traffic never leaves the machine.</summary>
    Auto,
    /// <summary>TLS always, loopback included (<c>--tls</c>).</summary>
    Require,
    /// <summary>Plaintext always (<c>--plaintext</c>): only a server with <c>--allow-plaintext</c> accepts it from afar.</summary>
    Off,
}
