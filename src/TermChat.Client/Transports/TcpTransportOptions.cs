using TermChat.Client.Security;

namespace TermChat.Client.Transports;

/// <summary>Settings for <see cref="TcpTransport"/>.</summary>
public sealed class TcpTransportOptions
{
    /// <summary>How long a connect may take before it fails with "timed out".</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages waiting to be sent before <see cref="TcpTransport.SendAsync"/> waits.</summary>
    public int OutboxCapacity { get; set; } = 256;

    /// <summary>Received messages waiting to be read before the transport stops reading the socket.</summary>
    public int InboxCapacity { get; set; } = 256;

    /// <summary>Largest frame accepted from the server.</summary>
    public int MaxFrameBytes { get; set; } = Protocol.ProtocolLimits.MaxFrameBytes;

    /// <summary>Whether to use TLS; by default to every address but loopback.</summary>
    public TlsMode Tls { get; set; } = TlsMode.Auto;

    /// <summary>The pinned server keys the server's key is checked against (and pinned in on first contact).</summary>
    public KnownServers KnownServers { get; set; } = new(ConfigPaths.KnownServers);

    /// <summary>The key presented as the TLS client certificate.</summary>
    public ClientIdentity Identity { get; set; } = ClientIdentity.Default();

    /// <summary>Accept a server key that differs from its pin, and pin it instead (<c>--trust-new-key</c>).</summary>
    public bool TrustNewKey { get; set; }
}
