using TermChat.LoadGen.Metrics;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// The deliveries and latency of the subscribers on one node of a cluster run (`--node`): with the publisher on the
/// first node, its row shows the path without the cross-node hop, so a tail that every node shares comes from before
/// the entry is stored, and one only the other nodes show comes from the hop.
/// </summary>
/// <param name="Node">The node's address, as HOST:PORT.</param>
/// <param name="Subscribers">Subscribers connected to it.</param>
/// <param name="Delivered">Deliveries they received.</param>
/// <param name="Latency">Their latency from scheduled send time to receipt.</param>
public sealed record NodeLatency(string Node, int Subscribers, long Delivered, LatencySummary Latency);
