using NATS.Client.KeyValueStore;

namespace TermChat.Server.Cluster;

/// <summary>
/// A write of <see cref="ClusterRules"/> still to be made: a value to create (only if absent) or put, or a delete (at a
/// revision, when known, so that a newer value written meanwhile by another node survives).
/// </summary>
/// <param name="Bucket">The owners or the bans bucket.</param>
/// <param name="Key">The key in it.</param>
/// <param name="Value">The value, or null for a delete.</param>
/// <param name="CreateOnly">Create only if the key is absent (a binding made here); otherwise put.</param>
/// <param name="Revision">For a delete: the revision it must still be at, or 0 for any.</param>
internal sealed record RuleWrite(INatsKVStore Bucket, string Key, byte[]? Value, bool CreateOnly, ulong Revision);
