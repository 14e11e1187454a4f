using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TermChat.Protocol.Security;

/// <summary>
/// A key and its self-signed certificate (the same ones TLS uses, from <see cref="KeyFile"/>) in the form
/// BouncyCastle's DTLS signs with, so a server's DTLS key is the key clients pinned over TLS and a client's DTLS
/// certificate is its identity. Also the DTLS settings both sides share.
/// </summary>
public sealed class DtlsCredentials
{
    private readonly byte[] _certificate;
    private readonly AsymmetricKeyParameter _privateKey;

    /// <summary>Reads the ECDSA key and certificate of <paramref name="certificate"/>.</summary>
    /// <exception cref="ArgumentException">The certificate has no ECDSA private key.</exception>
    public DtlsCredentials(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("DTLS needs an ECDSA key with its private part.", nameof(certificate));
        _privateKey = PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey());
        _certificate = certificate.RawData;
        Fingerprint = KeyFingerprint.Of(certificate);
    }

    /// <summary>The key's fingerprint (<see cref="KeyFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// The one cipher suite offered and accepted. ChaCha20-Poly1305 has no explicit nonce, so a record adds
    /// <see cref="DtlsRecord.OverheadBytes"/> and a full 1200-byte datagram still fits the IPv6 minimum MTU; ECDHE gives
    /// forward secrecy; ECDSA matches the P-256 keys.
    /// </summary>
    public static int[] CipherSuites => [CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256];

    /// <summary>DTLS 1.2, the only DTLS BouncyCastle's C# library implements.</summary>
    public static ProtocolVersion[] Versions => ProtocolVersion.DTLSv12.Only();

    /// <summary>How long a DTLS handshake may take, then it fails (both sides).</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The first DTLS retransmission timer, doubling on every try (RFC 6347 suggests 1 s; a LAN answers in far less);
    /// between BouncyCastle's tries the channel resends the flight after every <see cref="DtlsChannel.MaxHandshakeWaitMillis"/>
    /// of silence.
    /// </summary>
    public const int HandshakeResendMillis = 500;

    /// <summary>The signer for a handshake: this key, this certificate, ECDSA with SHA-256.</summary>
    public TlsCredentialedSigner Signer(TlsContext context, BcTlsCrypto crypto) =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, _privateKey,
            new Certificate([crypto.CreateCertificate(_certificate)]),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    /// <summary>The fingerprint of the first certificate of a peer's chain; null when the chain is empty.</summary>
    public static string? FingerprintOf(Certificate? chain)
    {
        if (chain is null || chain.IsEmpty)
        {
            return null;
        }
        var structure = X509CertificateStructure.GetInstance(chain.GetCertificateAt(0).GetEncoded());
        return KeyFingerprint.Of(structure.SubjectPublicKeyInfo.GetEncoded());
    }

    /// <summary>A fresh crypto provider for one handshake: its random generator is not shared between threads.</summary>
    public static BcTlsCrypto NewCrypto() => new(new SecureRandom());
}
