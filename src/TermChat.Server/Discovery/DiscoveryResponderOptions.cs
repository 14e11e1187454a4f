using System.Net;
using TermChat.Protocol.Discovery;

namespace TermChat.Server.Discovery;

/// <summary>Settings of the <see cref="DiscoveryResponder"/>.</summary>
public sealed class DiscoveryResponderOptions
{
    /// <summary>The UDP port to answer on; 0 picks a free port (tests).</summary>
    public int Port { get; init; } = DiscoveryDefaults.Port;

    /// <summary>The multicast group to join on every multicast-capable interface; <see langword="null"/> joins none.</summary>
    public IPAddress? MulticastGroup { get; init; } = DiscoveryDefaults.MulticastGroup;

    /// <summary>
    /// The address the chat server listens on. A wildcard advertises every interface; a specific address is
    /// the only one advertised; a loopback address also keeps the responder itself on loopback.
    /// </summary>
    public IPAddress BindAddress { get; init; } = IPAddress.IPv6Any;

    /// <summary>The TCP chat port advertised.</summary>
    public int TcpPort { get; init; } = 7777;

    /// <summary>The UDP chat port advertised, or 0 when the server has no UDP transport.</summary>
    public int UdpPort { get; init; }

    /// <summary>The server's TLS key fingerprint, advertised so <c>termchat discover</c> can show it (empty: none).</summary>
    public string KeyFingerprint { get; init; } = "";

    /// <summary>The cluster the server is a node of (<c>--cluster-name</c>), or empty for a server on its own.</summary>
    public string Cluster { get; init; } = "";

    /// <summary>Random per process, so a client merges replies that reach it over several interfaces.</summary>
    public Guid InstanceId { get; init; } = Guid.NewGuid();

    /// <summary>The TermChat version advertised.</summary>
    public string AppVersion { get; init; } = typeof(DiscoveryResponderOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Probe replies allowed per second to one source address (a burst of twice this is allowed).</summary>
    public double ProbesPerSecond { get; init; } = 10;

    /// <summary>Netcheck echo replies allowed per second to one source address (a burst of twice this is allowed).</summary>
    public double EchoesPerSecond { get; init; } = 200;

    /// <summary>How long the interface list is reused before it is read again.</summary>
    public TimeSpan AddressRefresh { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads the machine's addresses; replaced in tests.</summary>
    public Func<IReadOnlyList<LocalAddress>> GetAddresses { get; init; } = LocalInterfaces.GetAddresses;
}
