using System.Text;
using NATS.Client.KeyValueStore;
using TermChat.Server.Core.Moderation;

namespace TermChat.Server.Cluster;

// Bans: one key per target in the bans bucket, put by the operator's node and followed by every node.
internal sealed partial class ClusterRules
{
    // Every ban in the bans bucket as this node last saw it, by key, with its revision.
    private readonly Dictionary<string, (Ban Ban, ulong Revision)> _banIndex = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Action<Ban>? BanSet { get; set; }

    /// <inheritdoc/>
    public Action<string>? BanRemoved { get; set; }

    /// <summary>
    /// The bans bucket's key of a target: the hex of its UTF-8 bytes, upper-cased first, since a server compares ban
    /// targets ignoring case (keys allow few characters).
    /// </summary>
    public static string BanKey(string target) => "b." + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(target.ToUpperInvariant()));

    /// <inheritdoc/>
    public IReadOnlyList<Ban> LoadBans()
    {
        lock (_gate) return [.. _banIndex.Values.Select(entry => entry.Ban)];
    }

    /// <summary>A ban made here: put in the bucket (replacing one on the same target), and so made on every node.</summary>
    public void SaveBan(Ban ban)
    {
        lock (_gate) QueueLocked(new RuleWrite(_bans, BanKey(ban.Target), BanValue.ToBytes(ban), CreateOnly: false, 0));
    }

    /// <summary>
    /// A ban lifted (or found lapsed) here: deleted at the revision this node last saw, so that a newer ban on the same
    /// target, made meanwhile on another node, stays.
    /// </summary>
    public void DeleteBan(string target)
    {
        string key = BanKey(target);
        lock (_gate) QueueLocked(new RuleWrite(_bans, key, null, CreateOnly: false, _banIndex.TryGetValue(key, out var known) ? known.Revision : 0));
    }

    /// <summary>
    /// The bans bucket changed (or the watch reports it whole again): the index follows, and the core is told. A value
    /// that bans nobody is logged and counts as no ban.
    /// </summary>
    private void OnBanEntry(NatsKVEntry<byte[]> entry)
    {
        Ban? ban = null;
        if (entry.Operation == NatsKVOperation.Put)
        {
            ban = BanValue.Parse(entry.Key, entry.Value ?? []);
            if (ban is null) ClusterLog.RuleUnreadable(_logger, _bans.Bucket, entry.Key);
        }
        if (!Follow(_banIndex, entry, ban, out var lifted)) return;
        if (lifted is not null) BanRemoved?.Invoke(lifted.Target);
        if (ban is not null) BanSet?.Invoke(ban);
    }

    /// <summary>A ban this node put: its revision is known at once, so that lifting the ban deletes exactly it.</summary>
    private void WrittenBan(RuleWrite write, ulong revision)
    {
        if (BanValue.Parse(write.Key, write.Value) is not { } ban) return;
        lock (_gate)
        {
            if (!_banIndex.TryGetValue(write.Key, out var known) || known.Revision < revision) _banIndex[write.Key] = (ban, revision);
        }
    }
}
