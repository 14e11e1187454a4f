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

    /// <summary>Whether the key file exists yet (it is made on first use).</summary>
    public bool Exists => File.Exists(_path);

    /// <summary>The key, to carry to another machine (<see cref="Import"/> there); nothing is made when there is none.</summary>
    /// <returns>The private key as PKCS#8 PEM: a secret.</returns>
    /// <exception cref="KeyFileException">There is no key file yet, or it cannot be used.</exception>
    public string Export()
    {
        if (!Exists) throw new KeyFileException($"there is no identity in {_path} yet (one is made on the first encrypted connection, or by 'termchat identity show')");
        return KeyFile.ReadPem(_path);
    }

    /// <summary>
    /// Makes <paramref name="pem"/> this user's key (mode 0600). Replacing a different key loses the nicks and operator
    /// rights bound to it, so that needs <paramref name="replace"/>. Reads and writes the file only: an instance that
    /// already loaded its certificate keeps the old one.
    /// </summary>
    /// <param name="pem">The key, as <see cref="Export"/> gives it (any PEM form of an ECDSA private key is taken).</param>
    /// <param name="source">Where the text came from, for messages.</param>
    /// <param name="replace">Replace a different (or unusable) key already there.</param>
    /// <returns>What happened, with the key now in place and the key replaced, if any.</returns>
    /// <exception cref="KeyFileException">The text holds no key, a different key is in place and <paramref name="replace"/>
    /// is false, or the file cannot be written; the message is one line.</exception>
    public IdentityImport Import(string pem, string source, bool replace)
    {
        ArgumentNullException.ThrowIfNull(pem);
        string fingerprint = KeyFile.TryParse(pem, out string canonical)
            ?? throw new KeyFileException($"{source} holds no ECDSA private key in PEM form (export one with 'termchat identity export')");
        string? previous = null;
        if (Exists)
        {
            try
            {
                previous = KeyFile.TryParse(KeyFile.ReadPem(_path), out _);
            }
            catch (KeyFileException problem) when (replace)
            {
                previous = $"an unusable key ({problem.Message})";
            }
            catch (KeyFileException problem)
            {
                throw new KeyFileException($"{problem.Message}; add --force to replace it with the imported key", problem);
            }
            if (string.Equals(previous, fingerprint, StringComparison.Ordinal)) return new IdentityImport(IdentityImportOutcome.Unchanged, fingerprint, null);
            if (!replace)
            {
                throw new KeyFileException($"{_path} already holds another identity ({previous}); replacing it gives up the nicks and operator rights bound to it: add --force to replace it with {fingerprint}");
            }
        }
        KeyFile.Write(_path, canonical, overwrite: true);
        return new IdentityImport(previous is null ? IdentityImportOutcome.Created : IdentityImportOutcome.Replaced, fingerprint, previous);
    }
}
