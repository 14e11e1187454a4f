using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Discovery;

namespace TermChat.Client.Discovery;

/// <summary>
/// A server found on the LAN. Replies from one server process that arrive over several interfaces are
/// merged into one of these, by the random instance id each server process carries in its replies.
/// </summary>
/// <param name="InstanceId">The server process's random id.</param>
/// <param name="Name">The server name.</param>
/// <param name="AppVersion">The server's TermChat version.</param>
/// <param name="ProtocolVersion">The chat protocol version it speaks.</param>
/// <param name="Mode">Its concurrency mode.</param>
/// <param name="Users">Connected users, from the latest reply.</param>
/// <param name="TcpPort">The TCP chat port.</param>
/// <param name="UdpPort">The UDP chat port, or 0 when the server has no UDP transport.</param>
/// <param name="Addresses">Every address the server advertised, merged over all replies.</param>
/// <param name="RespondedFrom">The source addresses replies came from, in arrival order: each is known to be reachable.</param>
/// <param name="RoundTrip">How long the first reply took.</param>
/// <param name="KeyFingerprint">The server's TLS key fingerprint as it advertised it (empty from older servers). A hint
/// to compare, not proof: anyone on the LAN can answer a probe; the key pinned at connect is what is trusted.</param>
/// <param name="Cluster">The cluster the server is a node of, or empty for a server on its own.</param>
public sealed record DiscoveredServer(
    Guid InstanceId,
    string Name,
    string AppVersion,
    ushort ProtocolVersion,
    string Mode,
    uint Users,
    ushort TcpPort,
    ushort UdpPort,
    ValueList<AdvertisedAddress> Addresses,
    ValueList<IPAddress> RespondedFrom,
    TimeSpan RoundTrip,
    string KeyFingerprint = "",
    string Cluster = "")
{
    /// <summary>
    /// The address to connect to: the first address a reply came from that the server also advertises
    /// (reachable and listened on), else the first advertised address, else the first reply's source.
    /// </summary>
    public IPAddress PreferredAddress =>
        RespondedFrom.FirstOrDefault(source => Addresses.Any(a => a.Address.Equals(source)))
        ?? (Addresses.Count > 0 ? Addresses[0].Address : RespondedFrom[0]);

    /// <summary>The TCP endpoint to connect to.</summary>
    public IPEndPoint PreferredEndPoint => new(PreferredAddress, TcpPort);

    /// <summary>Whether the server's chat protocol version (the newest it speaks) is one this client speaks too.</summary>
    public bool IsCompatible => ProtocolVersion is >= ProtocolLimits.MinVersion and <= ProtocolLimits.Version;

    internal static DiscoveredServer From(DiscoveryReply reply, IPAddress source, TimeSpan roundTrip) => new(
        reply.InstanceId, reply.Name, reply.AppVersion, reply.ProtocolVersion, reply.Mode, reply.Users,
        reply.TcpPort, reply.UdpPort, reply.Addresses, new IPAddress[] { source }, roundTrip, reply.KeyFingerprint, reply.Cluster);

    /// <summary>Folds another reply from the same instance in: addresses and sources are unioned, counts refreshed.</summary>
    internal DiscoveredServer Merge(DiscoveryReply reply, IPAddress source)
    {
        var addresses = Addresses.Concat(reply.Addresses).DistinctBy(a => a.Address).ToArray();
        var sources = RespondedFrom.Contains(source) ? RespondedFrom : RespondedFrom.Append(source).ToArray();
        return this with { Users = reply.Users, Addresses = addresses, RespondedFrom = sources };
    }
}
