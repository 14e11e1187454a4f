namespace TermChat.Server.Security;

/// <summary>Which TCP clients may speak TermChat without TLS (docs/SECURITY.md).</summary>
public enum PlaintextPolicy
{
    /// <summary>Plaintext only from loopback addresses (the default): traffic that never leaves the machine.</summary>
    LoopbackOnly,
    /// <summary>Plaintext from anyone (<c>--allow-plaintext</c>): for benchmarks and old clients; the banner says so.</summary>
    Allow,
    /// <summary>TLS from everyone, loopback included (<c>--require-tls</c>): for a server reached through a local port forward.</summary>
    Refuse,
}
