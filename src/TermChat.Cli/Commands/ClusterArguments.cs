using System.CommandLine;
using TermChat.Server.Cluster;

namespace TermChat.Cli.Commands;

/// <summary>
/// The options of `termchat serve` that make the server a node of a cluster on NATS JetStream. Their names and
/// meanings follow the NATS tools' (nats --server, --creds, --tlsca, --tlscert, --tlskey, --timeout).
/// </summary>
internal sealed class ClusterArguments
{
    public Option<string?> Urls { get; } = new("--cluster")
    {
        HelpName = "URLS",
        Description = "Be a node of a cluster: the NATS servers (with JetStream) that share rooms, e.g. nats://10.0.0.5:4222,nats://10.0.0.6:4222; tls://HOST:PORT for TLS.",
    };

    public Option<string> Name { get; } = new("--cluster-name")
    {
        HelpName = "NAME",
        Description = "The cluster's name: nodes with the same name on the same NATS servers share every room.",
        DefaultValueFactory = _ => new ClusterOptions().Name,
    };

    public Option<string?> Creds { get; } = new("--cluster-creds") { HelpName = "FILE", Description = "NATS credentials file (a user JWT and NKey seed)." };

    public Option<string?> TlsCa { get; } = new("--cluster-tls-ca") { HelpName = "FILE", Description = "PEM CA certificate that signs the NATS servers' certificates." };

    public Option<string?> TlsCert { get; } = new("--cluster-tls-cert") { HelpName = "FILE", Description = "PEM client certificate, for NATS servers that verify clients." };

    public Option<string?> TlsKey { get; } = new("--cluster-tls-key") { HelpName = "FILE", Description = "PEM key of --cluster-tls-cert." };

    public Option<double> Timeout { get; } = new("--cluster-timeout")
    {
        HelpName = "SECONDS",
        Description = "Seconds to wait for a NATS server to answer a connect.",
        DefaultValueFactory = _ => new ClusterOptions().ConnectTimeout.TotalSeconds,
    };

    /// <summary>Every option, <see cref="Urls"/> first.</summary>
    public IEnumerable<Option> All => [Urls, Name, Creds, TlsCa, TlsCert, TlsKey, Timeout];

    /// <summary>The NATS URLs of a <c>--cluster</c> value: comma-separated.</summary>
    public static string[] SplitUrls(string urls) => urls.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A file option's full path (relative to where serve was started), or null when not given.</summary>
    public static string? FullPath(string? path) => path is { Length: > 0 } ? Path.GetFullPath(path) : null;
}
