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

    private static bool TryCreate(string path)
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
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
                writer.Write('\n');
            }
            // Not overwriting: whoever renamed first wins, and everyone then loads the same key.
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
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
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            // As ssh does: a private key others can read is no longer private, and using it quietly would hide that.
            throw new KeyFileException($"the key file {path} can be read by other users; run 'chmod 600 {path}' (or delete it to make a new key)");
        }
        string pem = File.ReadAllText(path);
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            throw new KeyFileException($"the key file {path} holds no ECDSA private key in PEM form; delete it to make a new key", exception);
        }
        return SelfSigned(key);
    }

    private static X509Certificate2 SelfSigned(ECDsa key)
    {
        var request = new CertificateRequest("CN=termchat", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
    }
}
