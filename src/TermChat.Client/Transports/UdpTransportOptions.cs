using TermChat.Client.Security;
using TermChat.Protocol;
using TermChat.Protocol.Datagrams;

namespace TermChat.Client.Transports;

/// <summary>Settings for <see cref="UdpTransport"/>.</summary>
public sealed class UdpTransportOptions
{
    /// <summary>
    /// How long the cookie handshake may take before connecting fails with "timed out"; over DTLS the DTLS handshake
    /// gets this long first, and then the cookie handshake gets it again.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long closing waits for the server to acknowledge what is queued (a final Bye, typically).</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages waiting to be handed to the reliability engine before <see cref="UdpTransport.SendAsync"/> waits.</summary>
    public int OutboxCapacity { get; set; } = 256;

    /// <summary>Received messages waiting to be read before the transport stops reading the socket.</summary>
    public int InboxCapacity { get; set; } = 256;

    /// <summary>Largest frame accepted from the server.</summary>
    public int MaxFrameBytes { get; set; } = ProtocolLimits.MaxFrameBytes;

    /// <summary>Bytes the engine may hold not yet cut into chunks before the outbox stops draining into it (back-pressure).</summary>
    public int MaxQueuedBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// Whether to use DTLS, decided as for TLS over TCP (<see cref="LinkEncryption"/>): by default to every address that
    /// is not loopback; <see cref="TlsMode.Require"/> (<c>--tls</c>) to loopback too; <see cref="TlsMode.Off"/>
    /// (<c>--plaintext</c>) never.
    /// </summary>
    public TlsMode Tls { get; set; } = TlsMode.Auto;

    /// <summary>The pinned server keys (the same file and pins as TLS: a server has one key for both).</summary>
    public KnownServers KnownServers { get; set; } = new(ConfigPaths.KnownServers);

    /// <summary>The key presented as the DTLS client certificate.</summary>
    public ClientIdentity Identity { get; set; } = ClientIdentity.Default();

    /// <summary>Accept a server key that differs from its pin, and pin it instead (<c>--trust-new-key</c>).</summary>
    public bool TrustNewKey { get; set; }

    /// <summary>The security settings of <paramref name="tcp"/> (TLS mode, pins, identity, re-trust) and its connect timeout, for UDP.</summary>
    public static UdpTransportOptions SecuredLike(TcpTransportOptions tcp)
    {
        ArgumentNullException.ThrowIfNull(tcp);
        return new UdpTransportOptions
        {
            Tls = tcp.Tls, KnownServers = tcp.KnownServers, Identity = tcp.Identity, TrustNewKey = tcp.TrustNewKey, ConnectTimeout = tcp.ConnectTimeout,
        };
    }

    /// <summary>Timers and windows of the datagram layer (PROTOCOL-DATAGRAMS.md).</summary>
    public DatagramOptions Datagrams { get; set; } = DatagramOptions.Default;
}
