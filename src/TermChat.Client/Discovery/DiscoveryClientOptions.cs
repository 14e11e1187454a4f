using System.Net;
using TermChat.Protocol.Discovery;

namespace TermChat.Client.Discovery;

/// <summary>Settings of the <see cref="DiscoveryClient"/>.</summary>
public sealed class DiscoveryClientOptions
{
    /// <summary>The UDP port servers answer discovery on.</summary>
    public int Port { get; init; } = DiscoveryDefaults.Port;

    /// <summary>The multicast group probes are sent to; <see langword="null"/> sends no multicast.</summary>
    public IPAddress? MulticastGroup { get; init; } = DiscoveryDefaults.MulticastGroup;

    /// <summary>Whether probes are broadcast (255.255.255.255 and every interface's directed broadcast).</summary>
    public bool Broadcast { get; init; } = true;

    /// <summary>
    /// Whether a probe also goes to 127.0.0.1, so a server on this machine is found even without a network.
    /// </summary>
    public bool Loopback { get; init; } = true;

    /// <summary>When probes are (re)sent, measured from the start; UDP may lose any one of them.</summary>
    public IReadOnlyList<TimeSpan> SendSchedule { get; init; } = [TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    /// <summary>Reads the machine's addresses; replaced in tests.</summary>
    public Func<IReadOnlyList<LocalAddress>> GetAddresses { get; init; } = LocalInterfaces.GetAddresses;
}
