using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TermChat.Protocol.Security;

namespace TermChat.Server.Security;

/// <summary>
/// BouncyCastle's server side of one DTLS handshake: DTLS 1.2, the one cipher suite of <see cref="DtlsCredentials"/>,
/// signed with the server key TLS uses. Like TLS it asks the client for a certificate and takes any key, or none: the
/// key is who the client is (<see cref="ClientFingerprint"/>), proven by the handshake's CertificateVerify.
/// </summary>
internal sealed class DtlsServerPeer : DefaultTlsServer
{
    private readonly DtlsCredentials _credentials;
    private readonly BcTlsCrypto _crypto;
    private readonly int _timeoutMillis;

    public DtlsServerPeer(DtlsCredentials credentials, BcTlsCrypto crypto, TimeSpan handshakeTimeout)
        : base(crypto)
    {
        _credentials = credentials;
        _crypto = crypto;
        _timeoutMillis = (int)Math.Clamp(handshakeTimeout.TotalMilliseconds, 1, int.MaxValue);
    }

    /// <summary>The client's key, once its certificate was received; null when it sent none.</summary>
    public string? ClientFingerprint { get; private set; }

    /// <summary>Records that fail to decrypt are dropped, as RFC 6347 4.1.2.7 recommends, instead of ending the association.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => _timeoutMillis;

    public override int GetHandshakeResendTimeMillis() => DtlsCredentials.HandshakeResendMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => DtlsCredentials.Versions;

    protected override int[] GetSupportedCipherSuites() => DtlsCredentials.CipherSuites;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _credentials.Signer(m_context, _crypto);

    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign],
            [new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa)], null);

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        ClientFingerprint = DtlsCredentials.FingerprintOf(clientCertificate);
}
