using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol.Security;

namespace TermChat.Client.Security;

/// <summary>
/// The user's key pair (<see cref="ConfigPaths.Identity"/>, made on first use, mode 0600), presented to servers as the
/// TLS client certificate: servers bind nicks to its fingerprint.
/// </summary>
public sealed class ClientIdentity
{
    private readonly string _path;
    private readonly Lazy<X509Certificate2> _certificate;

    /// <summary>The identity kept at <paramref name="path"/>; nothing is read or made until first needed.</summary>
    public ClientIdentity(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _certificate = new Lazy<X509Certificate2>(() => KeyFile.LoadOrCreate(_path, out _), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The identity in the user's configuration directory.</summary>
    public static ClientIdentity Default() => new(ConfigPaths.Identity);

    /// <summary>The key file.</summary>
    public string Path => _path;

    /// <summary>The certificate around the key, loading or making the key on first use.</summary>
    /// <exception cref="KeyFileException">The key file cannot be used.</exception>
    public X509Certificate2 Certificate => _certificate.Value;

    /// <summary>The key's fingerprint (<see cref="KeyFingerprint"/>).</summary>
    /// <exception cref="KeyFileException">The key file cannot be used.</exception>
    public string Fingerprint => KeyFingerprint.Of(Certificate);
}
