using System.Text;
using NATS.Client.KeyValueStore;
using TermChat.Server.History;

namespace TermChat.Server.Cluster;

// Room access: one key per room in the access bucket, put by the operator's node and followed by every node, so a
// keyed or invite-only room is closed on every node, and stays closed after every node restarts. The bucket also holds
// the rooms' mutes (ClusterRules.Mutes.cs), under keys of their own.
internal sealed partial class ClusterRules
{
    // Every room's access in the access bucket as this node last saw it, by room, with its revision.
    private readonly Dictionary<string, (RoomAccess Access, ulong Revision)> _accessIndex = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Action<string, RoomAccess>? AccessSet { get; set; }

    /// <summary>The access bucket's key of a room: the hex of its UTF-8 bytes (keys allow few characters).</summary>
    public static string AccessKey(string room) => "r." + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(room));

    /// <summary>The modes and key of <paramref name="room"/> as this node last saw them; open if none were set.</summary>
    public RoomAccess Access(string room)
    {
        lock (_gate) return _accessIndex.TryGetValue(room, out var known) ? known.Access : RoomAccess.Open;
    }

    /// <summary>Access set here: known here at once, and put in the bucket, so set on every node (the last put wins).</summary>
    public void SaveAccess(string room, RoomAccess access)
    {
        lock (_gate)
        {
            ulong revision = _accessIndex.TryGetValue(room, out var known) ? known.Revision : 0;
            _accessIndex[room] = (access, revision);
            QueueLocked(new RuleWrite(_access, AccessKey(room), AccessValue.ToBytes(room, access), CreateOnly: false, 0));
        }
    }

    /// <summary>
    /// The access bucket changed (or the watch reports it whole again): the index follows, and the core is told. A value
    /// that is not one of ours is logged and changes nothing. Mutes share the bucket under their own keys.
    /// </summary>
    private void OnAccessEntry(NatsKVEntry<byte[]> entry)
    {
        if (IsMuteKey(entry.Key))
        {
            OnMuteEntry(entry);
            return;
        }
        if (entry.Operation != NatsKVOperation.Put) return;
        if (AccessValue.Parse(entry.Key, entry.Value ?? []) is not { } value)
        {
            ClusterLog.RuleUnreadable(_logger, _access.Bucket, entry.Key);
            return;
        }
        lock (_gate)
        {
            if (_accessIndex.TryGetValue(value.Room, out var known) && known.Revision > entry.Revision) return;
            _accessIndex[value.Room] = (value.Access, entry.Revision);
        }
        AccessSet?.Invoke(value.Room, value.Access);
    }
}
