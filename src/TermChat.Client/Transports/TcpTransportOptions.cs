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
}
