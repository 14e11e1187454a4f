using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TermChat.Protocol.Security;

/// <summary>
/// The one way a key is named: <c>SHA256:</c> and the unpadded base64 of SHA-256 over the key's SubjectPublicKeyInfo
/// (the shape ssh prints). It names the key, not the certificate, so a certificate re-made around the same key (every
/// start makes a fresh self-signed one) keeps its fingerprint. Pins, nick ownership and <c>--op</c> compare it as an
/// ordinal string.
/// </summary>
public static class KeyFingerprint
{
    /// <summary>The prefix every fingerprint carries.</summary>
    public const string Prefix = "SHA256:";

    /// <summary>The fingerprint of a DER SubjectPublicKeyInfo.</summary>
    /// <returns>For example <c>SHA256:3q2+7w…</c> (50 characters).</returns>
    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(subjectPublicKeyInfo, hash);
        return Prefix + Convert.ToBase64String(hash).TrimEnd('=');
    }

    /// <summary>The fingerprint of the key in <paramref name="certificate"/>.</summary>
    /// <returns>See <see cref="Of(ReadOnlySpan{byte})"/>.</returns>
    public static string Of(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate is X509Certificate2 full)
        {
            return Of(full.PublicKey.ExportSubjectPublicKeyInfo());
        }
        // SslStream hands callbacks a plain X509Certificate on some paths; the copy is ours to dispose.
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return Of(copy.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Whether <paramref name="text"/> has the shape of a fingerprint (for options that take one).</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: 50 } && text.StartsWith(Prefix, StringComparison.Ordinal)
        && text.AsSpan(Prefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") < 0;
}
