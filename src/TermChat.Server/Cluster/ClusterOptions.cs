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

    /// <summary>Whether <paramref name="name"/> can name a cluster: 1 to 32 of A-Z, a-z, 0-9, '_' and '-' (it names NATS streams and subjects).</summary>
    public static bool IsValidName(string name) =>
        name.Length is >= 1 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
