using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TermChat.Protocol.Security;

/// <summary>
/// BouncyCastle's client side of one DTLS handshake: DTLS 1.2, the one cipher suite of <see cref="DtlsCredentials"/>.
/// The server's key is judged by the caller (the chat client checks it against its pins exactly as over TLS; the
/// benchmark generator only measures), and the user's key is presented as the client certificate.
/// </summary>
public sealed class DtlsClientPeer : DefaultTlsClient
{
    private readonly BcTlsCrypto _crypto;
    private readonly DtlsCredentials _identity;
    private readonly Func<string, bool> _acceptServerKey;
    private readonly int _timeoutMillis;

    /// <param name="crypto">The crypto provider of this handshake.</param>
    /// <param name="identity">The key presented as the client certificate.</param>
    /// <param name="acceptServerKey">Given the server key's fingerprint, whether to go on; false ends the handshake with bad_certificate.</param>
    /// <param name="handshakeTimeout">How long the handshake may take.</param>
    public DtlsClientPeer(BcTlsCrypto crypto, DtlsCredentials identity, Func<string, bool> acceptServerKey, TimeSpan handshakeTimeout)
        : base(crypto)
    {
        _crypto = crypto;
        _identity = identity;
        _acceptServerKey = acceptServerKey;
        _timeoutMillis = (int)Math.Clamp(handshakeTimeout.TotalMilliseconds, 1, int.MaxValue);
    }

    /// <summary>Records that fail to decrypt are dropped, as RFC 6347 4.1.2.7 recommends, instead of ending the association.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    /// <inheritdoc/>
    public override int GetHandshakeTimeoutMillis() => _timeoutMillis;

    /// <inheritdoc/>
    public override int GetHandshakeResendTimeMillis() => DtlsCredentials.HandshakeResendMillis;

    /// <inheritdoc/>
    protected override ProtocolVersion[] GetSupportedVersions() => DtlsCredentials.Versions;

    /// <inheritdoc/>
    protected override int[] GetSupportedCipherSuites() => DtlsCredentials.CipherSuites;

    /// <inheritdoc/>
    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    private sealed class Authentication(DtlsClientPeer peer) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            // Self-signed: the server is trusted by its key, never by an authority.
            var fingerprint = DtlsCredentials.FingerprintOf(serverCertificate.Certificate);
            if (fingerprint is null || !peer._acceptServerKey(fingerprint))
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            peer._identity.Signer(peer.m_context, peer._crypto);
    }
}
