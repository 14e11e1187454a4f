using TermChat.Client.Discovery;
using TermChat.Protocol.Discovery;

namespace TermChat.Client.Diagnostics;

/// <summary>Settings of a <see cref="NetworkCheck"/>.</summary>
public sealed class NetworkCheckOptions
{
    /// <summary>The host name or IP address to check.</summary>
    public required string Host { get; init; }

    /// <summary>The server's TCP chat port.</summary>
    public int Port { get; init; } = 7777;

    /// <summary>The server's discovery port, where it also answers UDP echo requests.</summary>
    public int DiscoveryPort { get; init; } = DiscoveryDefaults.Port;

    /// <summary>Round trips measured over each of TCP and UDP.</summary>
    public int Samples { get; init; } = 20;

    /// <summary>How long one sample may take before it counts as lost.</summary>
    public TimeSpan SampleTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Pause between UDP samples, so a burst does not measure only queueing.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Pause between TCP pings. A server's flood control counts every frame (5 a second by default, after a burst
    /// of 10) and delays the excess, which would show up as round-trip time; pings stay under that rate.
    /// </summary>
    public TimeSpan TcpInterval { get; init; } = TimeSpan.FromMilliseconds(220);

    /// <summary>The TCP connect timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest UDP payload tried (8972 = a 9000-byte jumbo frame minus IPv4 and UDP headers).</summary>
    public int MaxUdpPayload { get; init; } = 8972;

    /// <summary>Attempts per payload size before it counts as not arriving.</summary>
    public int TriesPerSize { get; init; } = 3;

    /// <summary>How long to wait for one payload-size echo.</summary>
    public TimeSpan SizeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long LAN discovery listens when checking whether broadcast or multicast reach the host.</summary>
    public TimeSpan DiscoveryTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How discovery probes are sent (ports, group); the defaults use <see cref="DiscoveryPort"/>.</summary>
    public DiscoveryClientOptions? Discovery { get; init; }
}
