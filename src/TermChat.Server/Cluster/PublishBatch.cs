using TermChat.Server.History;

namespace TermChat.Server.Cluster;

/// <summary>
/// One publish of a room's pending entries: their wire frames back to back in one stream message, which JetStream
/// stores only if the room's subject still ends at <paramref name="ExpectedStreamSeq"/> (so no two nodes give out the
/// same seq), and only once under <paramref name="MsgId"/> (so a retry after a lost ack stores nothing twice).
/// </summary>
internal sealed record PublishBatch(string MsgId, IReadOnlyList<RoomEntry> Entries, ulong ExpectedStreamSeq, byte[] Payload);
