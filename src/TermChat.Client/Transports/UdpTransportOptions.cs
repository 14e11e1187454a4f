using TermChat.Protocol;
using TermChat.Protocol.Datagrams;

namespace TermChat.Client.Transports;

/// <summary>Settings for <see cref="UdpTransport"/>.</summary>
public sealed class UdpTransportOptions
{
    /// <summary>How long the cookie handshake may take before connecting fails with "timed out".</summary>
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

    /// <summary>Timers and windows of the datagram layer (PROTOCOL-DATAGRAMS.md).</summary>
    public DatagramOptions Datagrams { get; set; } = DatagramOptions.Default;
}
