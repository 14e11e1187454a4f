using TermChat.Server.History;

namespace TermChat.Server.Cluster;

/// <summary>
/// One publish of a room's pending entries: their wire frames back to back in one stream message, stored only once
/// under <paramref name="MsgId"/> (so a retry after a lost ack stores nothing twice) and only where the node expects
/// the room to end, so that no two nodes give out the same seq. The first batch in flight for a room says where by
/// the room's subject (<paramref name="ExpectedStreamSeq"/>, JetStream's expected last subject sequence); a batch
/// sent behind it says "right after that batch" (<paramref name="After"/>, the expected last message id of the
/// stream), since its stream seq is not known until its ack comes back.
/// </summary>
internal sealed record PublishBatch(string MsgId, IReadOnlyList<RoomEntry> Entries, ulong ExpectedStreamSeq, string? After, byte[] Payload);
