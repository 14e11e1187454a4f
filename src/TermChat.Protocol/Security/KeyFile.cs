using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TermChat.Protocol.Security;

/// <summary>
/// A key pair kept in one file (PEM, PKCS#8, ECDSA P-256), readable by its owner only, and the self-signed certificate
/// TLS presents around it. The server's identity and each user's identity are such files; the certificate is made
/// afresh at each start because peers pin the key (<see cref="KeyFingerprint"/>), never the certificate.
/// </summary>
public static class KeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Loads the key in <paramref name="path"/>, or makes a new one there (mode 0600, its directory created 0700) when
    /// the file does not exist. Two processes starting at once end up with the same key: the file appears whole or
    /// not at all, and the loser of the race loads the winner's.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <param name="created">Whether the key was made by this call.</param>
    /// <returns>A certificate with its private key.</returns>
    /// <exception cref="KeyFileException">The file cannot be read or written, is readable by others, or holds no usable key; the message is one line.</exception>
    public static X509Certificate2 LoadOrCreate(string path, out bool created)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        created = false;
        try
        {
            if (!File.Exists(path))
            {
                created = TryCreate(path);
            }
            return Load(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"cannot use the key file {path}: {exception.Message}", exception);
        }
    }

    /// <summary>A key made in memory only, gone when the process ends.</summary>
    /// <returns>A certificate with its private key.</returns>
    public static X509Certificate2 CreateEphemeral()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return SelfSigned(key);
    }

    /// <summary>
    /// The key in <paramref name="path"/> as PKCS#8 PEM, after the checks <see cref="LoadOrCreate"/> makes (owner-only
    /// mode, a usable private key); nothing is made when the file is missing.
    /// </summary>
    /// <returns>The key, re-encoded: the same key whatever PEM form the file holds.</returns>
    /// <exception cref="KeyFileException">The file is missing, cannot be read, is readable by others, or holds no usable key.</exception>
    public static string ReadPem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            CheckOwnerOnly(path);
            using var key = Parse(File.ReadAllText(path)) ?? throw NoKey(path);
            return key.ExportPkcs8PrivateKeyPem() + "\n";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"cannot use the key file {path}: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Checks that <paramref name="pem"/> holds exactly one ECDSA private key (PKCS#8, SEC 1 or PKCS#8 inside PEM) and
    /// names it.
    /// </summary>
    /// <param name="pem">The text to check.</param>
    /// <param name="canonical">The key as PKCS#8 PEM, the form <see cref="Write"/> keeps.</param>
    /// <returns>The key's fingerprint, or <see langword="null"/> when the text holds no such key (a public key, an
    /// encrypted key, another algorithm, several keys, not PEM at all).</returns>
    public static string? TryParse(string pem, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(pem);
        canonical = "";
        using var key = Parse(pem);
        if (key is null) return null;
        canonical = key.ExportPkcs8PrivateKeyPem() + "\n";
        return KeyFingerprint.Of(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// Writes <paramref name="pem"/> to <paramref name="path"/> readable by its owner only (its directory created 0700):
    /// the file appears whole or not at all.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <param name="pem">The key, as <see cref="TryParse"/> or <see cref="ReadPem"/> gives it.</param>
    /// <param name="overwrite">Replace a file already there; otherwise an existing file is left as it is.</param>
    /// <returns>Whether the file was written (false only when it existed and <paramref name="overwrite"/> was false).</returns>
    /// <exception cref="KeyFileException">The file cannot be written; the message is one line.</exception>
    public static bool Write(string path, string pem, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(pem);
        try
        {
            return WriteWhole(path, pem, overwrite);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"cannot write the key file {path}: {exception.Message}", exception);
        }
    }

    private static bool TryCreate(string path)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return WriteWhole(path, key.ExportPkcs8PrivateKeyPem() + "\n", overwrite: false);
    }

    private static bool WriteWhole(string path, string pem, bool overwrite)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(pem);
            }
            // Without overwrite, whoever renamed first wins, and everyone then loads the same key.
            File.Move(temporary, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static X509Certificate2 Load(string path)
    {
        CheckOwnerOnly(path);
        using var key = Parse(File.ReadAllText(path)) ?? throw NoKey(path);
        return SelfSigned(key);
    }

    private static void CheckOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            // As ssh does: a private key others can read is no longer private, and using it quietly would hide that.
            throw new KeyFileException($"the key file {path} can be read by other users; run 'chmod 600 {path}' (or delete it to make a new key)");
        }
    }

    private static KeyFileException NoKey(string path) =>
        new($"the key file {path} holds no ECDSA private key in PEM form; delete it to make a new key");

    // ImportFromPem also takes a public key; exporting the private part is what proves there is one.
    private static ECDsa? Parse(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            key.ExportPkcs8PrivateKey();
            return key;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            key.Dispose();
            return null;
        }
    }

    private static X509Certificate2 SelfSigned(ECDsa key)
    {
        var request = new CertificateRequest("CN=termchat", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
    }
}
