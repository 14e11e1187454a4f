namespace TermChat.Protocol.Discovery;

/// <summary>
/// A server's answer to a probe.
/// </summary>
/// <param name="Nonce">The probe's nonce, echoed so the prober can drop stale or forged replies.</param>
/// <param name="InstanceId">Random per server process: replies arriving on several interfaces are merged by it.</param>
/// <param name="ProtocolVersion">The chat protocol version the server speaks.</param>
/// <param name="AppVersion">The server's TermChat version.</param>
/// <param name="Name">The server name.</param>
/// <param name="Mode">The server's concurrency mode (select, threads, async).</param>
/// <param name="Users">Connected users.</param>
/// <param name="TcpPort">The TCP chat port.</param>
/// <param name="UdpPort">The UDP chat port, or 0 when the server has no UDP transport.</param>
/// <param name="Addresses">Addresses clients can use, the interface the probe arrived on first.</param>
/// <param name="KeyFingerprint">The server's TLS key fingerprint (<c>SHA256:…</c>), or empty from a server that sends none.</param>
/// <param name="Cluster">The name of the cluster the server is a node of, or empty for a server on its own: a prober lists
/// the nodes of one cluster as one entry.</param>
public sealed record DiscoveryReply(
    ulong Nonce,
    Guid InstanceId,
    ushort ProtocolVersion,
    string AppVersion,
    string Name,
    string Mode,
    uint Users,
    ushort TcpPort,
    ushort UdpPort,
    ValueList<AdvertisedAddress> Addresses,
    string KeyFingerprint = "",
    string Cluster = "") : DiscoveryMessage
{
    public override DiscoveryMessageType Type => DiscoveryMessageType.Reply;
}
