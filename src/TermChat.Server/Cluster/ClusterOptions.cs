namespace TermChat.Server.Cluster;

/// <summary>
/// How a server joins a cluster (<c>termchat serve --cluster</c>): the NATS servers to reach and the cluster's name.
/// The connection options follow the NATS client's conventions: several URLs tried in turn, <c>tls://</c> URLs for
/// TLS, a <c>.creds</c> file for authentication.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>Longest cluster name: it goes into stream and subject names.</summary>
    public const int MaxNameLength = 32;

    /// <summary>The NATS servers (<c>--cluster nats://HOST:PORT[,…]</c>); the client picks one and fails over to the others.</summary>
    public IReadOnlyList<string> Urls { get; set; } = [];

    /// <summary>The cluster's name (<c>--cluster-name</c>): nodes with the same name on the same NATS share every room.</summary>
    public string Name { get; set; } = "termchat";

    /// <summary>A NATS credentials file (<c>--cluster-creds</c>: a user JWT and its NKey seed), or null.</summary>
    public string? CredsFile { get; set; }

    /// <summary>A PEM file of the CA that signs the NATS servers' certificates (<c>--cluster-tls-ca</c>), or null for the system's.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>A PEM client certificate for servers that verify clients (<c>--cluster-tls-cert</c>), or null.</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>The client certificate's PEM key (<c>--cluster-tls-key</c>), or null.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>How long connecting to a NATS server may take (<c>--cluster-timeout</c>); at startup, to all of them.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every value and returns the first problem (one line naming the option), or null.</summary>
    public string? Validate()
    {
        if (Urls.Count == 0) return "--cluster needs at least one NATS server, e.g. --cluster nats://127.0.0.1:4222.";
        foreach (string url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls") || uri.Host.Length == 0
                || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0)
            {
                return $"--cluster {url} is not a NATS server URL: give nats://HOST:PORT (or tls://HOST:PORT), several separated by commas.";
            }
        }
        if (!IsValidName(Name)) return $"--cluster-name {Name} is not a cluster name: 1 to {MaxNameLength} of A-Z, a-z, 0-9, '_' and '-'.";
        if (ConnectTimeout <= TimeSpan.Zero) return "--cluster-timeout must be positive.";
        foreach (var (option, path) in new[] { ("--cluster-creds", CredsFile), ("--cluster-tls-ca", TlsCaFile), ("--cluster-tls-cert", TlsCertFile), ("--cluster-tls-key", TlsKeyFile) })
        {
            if (path is not null && !File.Exists(path)) return $"{option} {path}: no such file.";
        }
        if ((TlsCertFile is null) != (TlsKeyFile is null)) return "--cluster-tls-cert and --cluster-tls-key go together: a client certificate needs its key.";
        return null;
    }

    /// <summary>Whether <paramref name="name"/> can name a cluster: 1 to 32 of A-Z, a-z, 0-9, '_' and '-' (it names NATS streams and subjects).</summary>
    public static bool IsValidName(string name) =>
        name.Length is >= 1 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
