using TermChat.Protocol.Security;

namespace TermChat.Client.Security;

/// <summary>
/// The servers whose keys this user has pinned (trust on first use, as ssh's known_hosts): a text file of
/// <c>HOST:PORT FINGERPRINT</c> lines, keyed by the address as the user typed it. The file is read at every check, so
/// several clients on one machine share one view; writes replace the file whole.
/// </summary>
public sealed class KnownServers
{
    private static readonly object FileGate = new();

    /// <summary>Uses the file at <paramref name="path"/> (created on the first pin).</summary>
    public KnownServers(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The fingerprint pinned for <paramref name="server"/>, or <see langword="null"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public string? Find(string server)
    {
        lock (FileGate)
        {
            return Read().TryGetValue(server, out var fingerprint) ? fingerprint : null;
        }
    }

    /// <summary>
    /// Checks <paramref name="fingerprint"/> against the pin for <paramref name="server"/>: an unknown server is pinned
    /// now; a different key is refused unless <paramref name="trustNewKey"/>, which replaces the pin.
    /// </summary>
    /// <returns>What was found, and the key pinned before if it differed.</returns>
    /// <exception cref="IOException">The file cannot be read or written.</exception>
    public ServerKeyCheck Check(string server, string fingerprint, bool trustNewKey)
    {
        lock (FileGate)
        {
            var pins = Read();
            if (pins.TryGetValue(server, out var pinned))
            {
                if (string.Equals(pinned, fingerprint, StringComparison.Ordinal)) return new ServerKeyCheck(ServerKeyStatus.Known, fingerprint, null);
                if (!trustNewKey) return new ServerKeyCheck(ServerKeyStatus.Changed, fingerprint, pinned);
                pins[server] = fingerprint;
                Write(pins);
                return new ServerKeyCheck(ServerKeyStatus.Retrusted, fingerprint, pinned);
            }
            pins[server] = fingerprint;
            Write(pins);
            return new ServerKeyCheck(ServerKeyStatus.New, fingerprint, null);
        }
    }

    private Dictionary<string, string> Read()
    {
        var pins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(Path)) return pins;
        foreach (string raw in File.ReadAllLines(Path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // A line that is not HOST:PORT FINGERPRINT (edited by hand) pins nothing, rather than failing every connect.
            if (parts.Length >= 2 && KeyFingerprint.IsWellFormed(parts[1])) pins[parts[0]] = parts[1];
        }
        return pins;
    }

    private void Write(Dictionary<string, string> pins)
    {
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        System.IO.Directory.CreateDirectory(directory);
        var lines = new List<string> { "# TermChat: server keys pinned on first contact (termchat join --trust-new-key replaces one)." };
        lines.AddRange(pins.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        string temporary = $"{Path}.{Environment.ProcessId}.tmp";
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, Path, overwrite: true);
    }
}
