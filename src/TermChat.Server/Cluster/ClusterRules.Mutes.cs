using System.Text;
using NATS.Client.KeyValueStore;
using TermChat.Server.Core.Moderation;

namespace TermChat.Server.Cluster;

// Room mutes: one key per muted nick and room in the access bucket, beside the rooms' modes, put by the operator's node
// and followed by every node. A mute is room moderation state like a mode, so it is kept like one: it holds on every
// node (also for a member who joins the room later on a node where nobody was in it), and it outlives every node. The
// value carries the deadline as a number, not as the Mute event's human text.
internal sealed partial class ClusterRules
{
    private const string MutePrefix = "m.";

    // Every mute in the access bucket as this node last saw it, by key, with its revision.
    private readonly Dictionary<string, (RoomMute Mute, ulong Revision)> _muteIndex = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Action<RoomMute>? MuteSet { get; set; }

    /// <inheritdoc/>
    public Action<string, string>? MuteRemoved { get; set; }

    /// <summary>
    /// The access bucket's key of a mute: the hex of the room's UTF-8 bytes and of the nick's, upper-cased first, since a
    /// server compares nicks ignoring case (keys allow few characters).
    /// </summary>
    public static string MuteKey(string room, string nick) =>
        MutePrefix + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(room)) + "." + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(nick.ToUpperInvariant()));

    /// <inheritdoc/>
    public IReadOnlyList<RoomMute> Mutes(string room)
    {
        lock (_gate) return [.. _muteIndex.Values.Select(entry => entry.Mute).Where(mute => mute.Room == room)];
    }

    /// <summary>A mute given here: known here at once, and put in the bucket (replacing one on the same nick), so given on every node.</summary>
    public void SaveMute(RoomMute mute)
    {
        string key = MuteKey(mute.Room, mute.Nick);
        lock (_gate)
        {
            ulong revision = _muteIndex.TryGetValue(key, out var known) ? known.Revision : 0;
            _muteIndex[key] = (mute, revision);
            QueueLocked(new RuleWrite(_access, key, MuteValue.ToBytes(mute), CreateOnly: false, 0));
        }
    }

    /// <summary>
    /// An unmute given here: the mute is deleted whatever its revision, so it is lifted on every node (the operator lifts
    /// whatever mute the nick has, including one given a moment ago on another node).
    /// </summary>
    public void DeleteMute(string room, string nick)
    {
        string key = MuteKey(room, nick);
        lock (_gate)
        {
            _muteIndex.Remove(key);
            QueueLocked(new RuleWrite(_access, key, null, CreateOnly: false, 0));
        }
    }

    /// <summary>
    /// A timed mute this node found lapsed: deleted at the revision this node last saw, so that a newer mute on the same
    /// nick, given meanwhile on another node, stays.
    /// </summary>
    public void MuteLapsed(RoomMute mute)
    {
        string key = MuteKey(mute.Room, mute.Nick);
        lock (_gate)
        {
            if (!_muteIndex.TryGetValue(key, out var known) || known.Mute.UntilMs != mute.UntilMs) return;
            _muteIndex.Remove(key);
            QueueLocked(new RuleWrite(_access, key, null, CreateOnly: false, known.Revision));
        }
    }

    private static bool IsMuteKey(string key) => key.StartsWith(MutePrefix, StringComparison.Ordinal);

    /// <summary>
    /// A mute key of the access bucket changed (or the watch reports it whole again): the index follows, and the core is
    /// told. A value that mutes nobody is logged and counts as no mute.
    /// </summary>
    private void OnMuteEntry(NatsKVEntry<byte[]> entry)
    {
        RoomMute? mute = null;
        if (entry.Operation == NatsKVOperation.Put)
        {
            mute = MuteValue.Parse(entry.Key, entry.Value ?? []);
            if (mute is null) ClusterLog.RuleUnreadable(_logger, _access.Bucket, entry.Key);
        }
        if (!Follow(_muteIndex, entry, mute, out var lifted)) return;
        if (lifted is not null) MuteRemoved?.Invoke(lifted.Room, lifted.Nick);
        if (mute is not null) MuteSet?.Invoke(mute);
    }

    /// <summary>A mute this node put: its revision is known at once, so that a lapse deletes exactly it.</summary>
    private void WrittenMute(RuleWrite write, ulong revision)
    {
        if (!IsMuteKey(write.Key) || MuteValue.Parse(write.Key, write.Value) is not { } mute) return;
        lock (_gate)
        {
            if (_muteIndex.TryGetValue(write.Key, out var known) && known.Mute == mute && known.Revision < revision) _muteIndex[write.Key] = (mute, revision);
        }
    }
}
