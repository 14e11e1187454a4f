using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol.Security;

namespace TermChat.Server.Security;

/// <summary>
/// The server's side of TLS, shared by every connection of every mode: its certificate (made once), the handshake
/// settings and the plaintext policy (UDP's DTLS uses the same key and policy). TLS 1.3 only; the server asks every client for a certificate and takes any
/// key, because a client key is an identity (its fingerprint), not a credential signed by anyone.
/// </summary>
internal sealed class ServerTls
{
    private readonly SslStreamCertificateContext _certificate;
    private readonly PlaintextPolicy _plaintext;

    public ServerTls(X509Certificate2 certificate, PlaintextPolicy plaintext)
    {
        _certificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        _plaintext = plaintext;
        Fingerprint = KeyFingerprint.Of(certificate);
        Dtls = new DtlsCredentials(certificate);
    }

    /// <summary>The same key and certificate for DTLS, so UDP clients see the key TCP clients pinned.</summary>
    public DtlsCredentials Dtls { get; }

    /// <summary>The server key's fingerprint, as clients pin it.</summary>
    public string Fingerprint { get; }

    /// <summary>Handshake settings for one connection.</summary>
    public SslServerAuthenticationOptions Options() => new()
    {
        ServerCertificateContext = _certificate,
        EnabledSslProtocols = SslProtocols.Tls13,
        ClientCertificateRequired = true,
        // Any client key is accepted, and none at all: the key is who the client is (its fingerprint), not proof from
        // an authority. Without a certificate the link has no fingerprint, like plaintext.
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        AllowRenegotiation = false,
    };

    /// <summary>
    /// Whether a client at <paramref name="remote"/> may speak plaintext: a TCP stream without TLS, or UDP datagrams
    /// without DTLS (one policy for both transports).
    /// </summary>
    public bool PermitsPlaintext(EndPoint remote) => _plaintext switch
    {
        PlaintextPolicy.Allow => true,
        PlaintextPolicy.Refuse => false,
        _ => remote is IPEndPoint { Address: var address } && Loopback.Contains(address),
    };
}
