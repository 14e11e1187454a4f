using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TermChat.Protocol.Security;

namespace TermChat.Client.Security;

/// <summary>
/// BouncyCastle's client side of one DTLS handshake: DTLS 1.2, the one cipher suite of <see cref="DtlsCredentials"/>.
/// The server's key is checked against the pins exactly as over TLS (pinned on first contact, a changed key refused),
/// and the user's key is presented as the client certificate when the server asks for one.
/// </summary>
internal sealed class DtlsClientPeer : DefaultTlsClient
{
    private readonly BcTlsCrypto _crypto;
    private readonly DtlsCredentials _identity;
    private readonly Func<string, ServerKeyCheck> _checkServerKey;
    private readonly int _timeoutMillis;

    /// <param name="crypto">The crypto provider of this handshake.</param>
    /// <param name="identity">The user's key.</param>
    /// <param name="checkServerKey">Checks (and on first contact pins) the server key's fingerprint.</param>
    /// <param name="handshakeTimeout">How long the handshake may take.</param>
    public DtlsClientPeer(BcTlsCrypto crypto, DtlsCredentials identity, Func<string, ServerKeyCheck> checkServerKey, TimeSpan handshakeTimeout)
        : base(crypto)
    {
        _crypto = crypto;
        _identity = identity;
        _checkServerKey = checkServerKey;
        _timeoutMillis = (int)Math.Clamp(handshakeTimeout.TotalMilliseconds, 1, int.MaxValue);
    }

    /// <summary>What the check of the server's key found; null until the server's certificate arrived.</summary>
    public ServerKeyCheck? Check { get; private set; }

    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => _timeoutMillis;

    public override int GetHandshakeResendTimeMillis() => DtlsCredentials.HandshakeResendMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => DtlsCredentials.Versions;

    protected override int[] GetSupportedCipherSuites() => DtlsCredentials.CipherSuites;

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    private sealed class Authentication(DtlsClientPeer peer) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            // Self-signed: the server is trusted by its pinned key, never by an authority.
            var fingerprint = DtlsCredentials.FingerprintOf(serverCertificate.Certificate)
                ?? throw new TlsFatalAlert(AlertDescription.bad_certificate);
            peer.Check = peer._checkServerKey(fingerprint);
            if (peer.Check.Status == ServerKeyStatus.Changed)
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            peer._identity.Signer(peer.m_context, peer._crypto);
    }
}
