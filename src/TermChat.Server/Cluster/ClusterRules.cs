using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using TermChat.Server.Core;
using TermChat.Server.Core.Identity;
using TermChat.Server.Core.Moderation;

namespace TermChat.Server.Cluster;

/// <summary>
/// Nick ownership, bans and rooms' modes, keys and mutes across the cluster, in three JetStream key-value buckets with
/// file storage and no TTL, so they outlive every node: <c>TERMCHAT_&lt;name&gt;_OWNERS</c> has one key per nick skeleton
/// (the nicks bucket's <see cref="ClusterNicks.SkeletonToken"/>), created only if absent, so of two nodes binding
/// look-alikes for different keys at the same moment exactly one wins; <c>TERMCHAT_&lt;name&gt;_BANS</c> has one key per
/// ban target; <c>TERMCHAT_&lt;name&gt;_ACCESS</c> one key per room whose modes were set, and one per nick muted in a
/// room. Every node reads all three before it takes clients and then follows them, reporting each change to the core
/// (<see cref="ISharedRules"/>), which keeps its own <see cref="NickRegistry"/>, <see cref="BanList"/> and rooms.
/// </summary>
/// <remarks>
/// The core writes through <see cref="INickOwnerStore"/>, <see cref="IBanStore"/> and (mutes) <see cref="ISharedRules"/>
/// under its lock: those only queue, and one loop makes the writes, trying again each second while the link is down
/// (the last write queued for a key wins). A binding itself is decided before a registration is answered:
/// <see cref="ClusterNicks"/> calls <see cref="ClaimOwnerAsync"/> while it claims the nick. A value that is not one of
/// ours is logged and binds, bans or mutes nothing.
/// </remarks>
internal sealed partial class ClusterRules : INickOwnerStore, IBanStore, ISharedRules, IAsyncDisposable
{
    /// <summary>What a change of ownership or of the bans is told while the link is down.</summary>
    public const string UnavailableRefusal =
        "The cluster is unavailable, so this change could not be kept on every server; try again once this server has reconnected to it.";

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly ClusterLink _link;
    private readonly INatsKVStore _owners;
    private readonly INatsKVStore _bans;
    private readonly INatsKVStore _access;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly NodeLoops _loops = new();
    // Every binding in the owners bucket as this node last saw it, by key, with its revision.
    private readonly Dictionary<string, (NickOwner Owner, ulong Revision)> _ownerIndex = new(StringComparer.Ordinal);
    // Writes still to be made, by bucket and key: a later write to the same key replaces one not made yet.
    private readonly Dictionary<(string Bucket, string Key), RuleWrite> _pending = [];
    private readonly SemaphoreSlim _wake = new(0);

    private ClusterRules(ClusterLink link, INatsKVStore owners, INatsKVStore bans, INatsKVStore access, ILogger logger, TimeProvider time)
    {
        _link = link;
        _owners = owners;
        _bans = bans;
        _access = access;
        _logger = logger;
        _time = time;
    }

    /// <inheritdoc/>
    public Action<NickOwner>? OwnerSet { get; set; }

    /// <inheritdoc/>
    public Action<NickOwner>? OwnerRemoved { get; set; }

    /// <inheritdoc/>
    public string? Unavailable => _link.IsConnected ? null : UnavailableRefusal;

    /// <summary>Writes not made yet (the link is down, or they are on their way).</summary>
    public int PendingWrites
    {
        get { lock (_gate) return _pending.Count; }
    }

    /// <summary>
    /// Opens (creating if need be) both buckets and reads them whole, so that the server refuses takeovers and banned
    /// clients from its first connection; then follows them.
    /// </summary>
    public static async Task<ClusterRules> OpenAsync(ClusterLink link, ServerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var kv = new NatsKVContext(link.JetStream);
        var owners = await kv.CreateStoreAsync(new NatsKVConfig(link.OwnerBucket) { History = 1, Storage = NatsKVStorageType.File }, cancellationToken)
            .ConfigureAwait(false);
        var bans = await kv.CreateStoreAsync(new NatsKVConfig(link.BanBucket) { History = 1, Storage = NatsKVStorageType.File }, cancellationToken)
            .ConfigureAwait(false);
        var access = await kv.CreateStoreAsync(new NatsKVConfig(link.AccessBucket) { History = 1, Storage = NatsKVStorageType.File }, cancellationToken)
            .ConfigureAwait(false);
        var rules = new ClusterRules(link, owners, bans, access, logger, options.TimeProvider);
        await rules.LoadAsync(owners, rules.OnOwnerEntry, cancellationToken).ConfigureAwait(false);
        await rules.LoadAsync(bans, rules.OnBanEntry, cancellationToken).ConfigureAwait(false);
        await rules.LoadAsync(access, rules.OnAccessEntry, cancellationToken).ConfigureAwait(false);
        rules._loops.Start(
        [
            Task.Run(() => BucketFollower.FollowAsync(owners, rules.OnOwnerEntry, RetryInterval, rules._time, logger, rules._loops.Token)),
            Task.Run(() => BucketFollower.FollowAsync(bans, rules.OnBanEntry, RetryInterval, rules._time, logger, rules._loops.Token)),
            Task.Run(() => BucketFollower.FollowAsync(access, rules.OnAccessEntry, RetryInterval, rules._time, logger, rules._loops.Token)),
            Task.Run(rules.WriteLoopAsync),
        ]);
        return rules;
    }

    /// <summary>The owners bucket's key of a nick: the same for every nick that looks like it.</summary>
    public static string OwnerKey(string nick) => "o." + ClusterNicks.SkeletonToken(nick);

    /// <inheritdoc/>
    public IReadOnlyList<NickOwner> LoadOwners()
    {
        lock (_gate) return [.. _ownerIndex.Values.Select(entry => entry.Owner)];
    }

    /// <summary>
    /// A binding the core made without a claim on the cluster (a change of case of a nick its key did not own): created
    /// in the bucket unless it holds the nick already. A binding made by <see cref="ClaimOwnerAsync"/> is there already.
    /// </summary>
    public void SaveOwner(NickOwner owner)
    {
        string key = OwnerKey(owner.Nick);
        lock (_gate)
        {
            if (_ownerIndex.TryGetValue(key, out var known) && known.Owner.Fingerprint == owner.Fingerprint) return;
            QueueLocked(new RuleWrite(_owners, key, OwnerValue.ToBytes(owner), CreateOnly: true, 0));
        }
    }

    /// <summary><c>/nick --release</c>: the binding is deleted at the revision this node last saw, so it is released on every node.</summary>
    public void DeleteOwner(string nick)
    {
        string key = OwnerKey(nick);
        lock (_gate) QueueLocked(new RuleWrite(_owners, key, null, CreateOnly: false, _ownerIndex.TryGetValue(key, out var known) ? known.Revision : 0));
    }

    /// <summary>
    /// Decides on the cluster whether the holder of <paramref name="fingerprint"/> (null: a client without a key) may use
    /// <paramref name="nick"/>, binding it to that key if no key owns it or a look-alike yet (create-only: of two nodes
    /// at the same moment, one wins).
    /// </summary>
    /// <returns>The binding of another key that refuses the nick, or null; and the revision of a binding made now (0 if
    /// none), which <see cref="GiveBack"/> undoes if the nick cannot be used after all.</returns>
    public async Task<(NickOwner? Refusing, ulong Created)> ClaimOwnerAsync(string nick, string? fingerprint, long nowMs, CancellationToken cancellationToken)
    {
        string key = OwnerKey(nick);
        var mine = fingerprint is null ? null : new NickOwner(nick, fingerprint, nowMs);
        for (int attempt = 0; attempt < 5; attempt++)
        {
            if (mine is not null)
            {
                var created = await _owners.TryCreateAsync(key, OwnerValue.ToBytes(mine), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (created.Success)
                {
                    Learned(key, mine, created.Value);
                    return (null, created.Value);
                }
            }
            var read = await _owners.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!read.Success)
            {
                if (read.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException)
                {
                    if (mine is null) return (null, 0);
                    continue;
                }
                throw read.Error;
            }
            var holder = OwnerValue.Parse(key, read.Value.Value ?? []);
            if (holder is not null) return (holder.Fingerprint == fingerprint ? null : holder, 0);
            ClusterLog.RuleUnreadable(_logger, _owners.Bucket, key);
            if (mine is null) return (null, 0);
            // A value that binds nothing is replaced, at the revision read, by the binding it stood in the way of.
            var replaced = await _owners.TryUpdateAsync(key, OwnerValue.ToBytes(mine), read.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (replaced.Success)
            {
                Learned(key, mine, replaced.Value);
                return (null, replaced.Value);
            }
        }
        throw new NatsKVException($"the binding of {nick} kept changing while it was read");
    }

    /// <summary>Undoes a binding <see cref="ClaimOwnerAsync"/> made, at its revision, when the nick could not be used after all.</summary>
    public void GiveBack(string nick, ulong created)
    {
        lock (_gate) QueueLocked(new RuleWrite(_owners, OwnerKey(nick), null, CreateOnly: false, created));
    }

    public ValueTask DisposeAsync() => _loops.StopAsync();

    /// <summary>Reads every key of a bucket, in turn, before the node takes clients.</summary>
    private async Task LoadAsync(INatsKVStore bucket, Action<NatsKVEntry<byte[]>> onEntry, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        try
        {
            await foreach (string key in bucket.GetKeysAsync(cancellationToken: cancellationToken).ConfigureAwait(false)) keys.Add(key);
        }
        catch (NatsKVException)
        {
            // An empty bucket has no keys to list; some servers say so with an error.
        }
        foreach (string key in keys)
        {
            var read = await bucket.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (read.Success) onEntry(read.Value);
        }
    }

    /// <summary>
    /// The owners bucket changed (or the watch reports it whole again): the index follows, and the core is told. A value
    /// that binds nothing is logged and counts as no binding.
    /// </summary>
    private void OnOwnerEntry(NatsKVEntry<byte[]> entry)
    {
        NickOwner? owner = null;
        if (entry.Operation == NatsKVOperation.Put)
        {
            owner = OwnerValue.Parse(entry.Key, entry.Value ?? []);
            if (owner is null) ClusterLog.RuleUnreadable(_logger, _owners.Bucket, entry.Key);
        }
        NickOwner? removed = null;
        lock (_gate)
        {
            if (_ownerIndex.TryGetValue(entry.Key, out var known))
            {
                if (known.Revision > entry.Revision) return;
                if (owner is null || known.Owner.Fingerprint != owner.Fingerprint) removed = known.Owner;
            }
            if (owner is null) _ownerIndex.Remove(entry.Key);
            else _ownerIndex[entry.Key] = (owner, entry.Revision);
        }
        if (removed is not null) OwnerRemoved?.Invoke(removed);
        if (owner is not null) OwnerSet?.Invoke(owner);
    }

    /// <summary>A binding this node wrote: known at once, before the watch brings it back.</summary>
    private void Learned(string key, NickOwner owner, ulong revision)
    {
        lock (_gate)
        {
            if (!_ownerIndex.TryGetValue(key, out var known) || known.Revision < revision) _ownerIndex[key] = (owner, revision);
        }
    }

    /// <summary>
    /// An index of a bucket follows one of its entries, whose value is <paramref name="value"/> (null: deleted, or not
    /// one of ours, which counts as deleted).
    /// </summary>
    /// <returns>False if the index knows a newer revision of the key (the entry changes nothing); and in
    /// <paramref name="removed"/> the value the entry removes, if it removes one.</returns>
    private bool Follow<T>(Dictionary<string, (T Value, ulong Revision)> index, NatsKVEntry<byte[]> entry, T? value, out T? removed) where T : class
    {
        removed = null;
        lock (_gate)
        {
            if (index.TryGetValue(entry.Key, out var known))
            {
                if (known.Revision > entry.Revision) return false;
                if (value is null) removed = known.Value;
            }
            if (value is null) index.Remove(entry.Key);
            else index[entry.Key] = (value, entry.Revision);
        }
        return true;
    }

    private void QueueLocked(RuleWrite write)
    {
        _pending[(write.Bucket.Bucket, write.Key)] = write;
        _wake.Release();
    }

    /// <summary>Makes the queued writes; those that fail (the link is down) are tried again each second.</summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(RetryInterval, _loops.Token).ConfigureAwait(false);
                List<RuleWrite> writes;
                lock (_gate) writes = [.. _pending.Values];
                foreach (var write in writes)
                {
                    bool done;
                    try
                    {
                        done = await WriteAsync(write).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is NatsException or NatsKVException or TimeoutException || e is OperationCanceledException && !_loops.Stopping)
                    {
                        ClusterLog.RuleWriteFailed(_logger, write.Bucket.Bucket, write.Key, e.Message);
                        done = false;
                    }
                    if (!done) continue;
                    lock (_gate)
                    {
                        if (_pending.TryGetValue((write.Bucket.Bucket, write.Key), out var queued) && ReferenceEquals(queued, write)) _pending.Remove((write.Bucket.Bucket, write.Key));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Makes one write; true when it is done or needs doing no more (another node wrote the key meanwhile).</summary>
    private async Task<bool> WriteAsync(RuleWrite write)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_loops.Token);
        timeout.CancelAfter(_link.Options.ConnectTimeout > RetryInterval ? _link.Options.ConnectTimeout : RetryInterval * 2);
        if (write.Value is null)
        {
            var deleted = await write.Bucket.TryDeleteAsync(write.Key, new NatsKVDeleteOpts { Revision = write.Revision }, timeout.Token).ConfigureAwait(false);
            // Refused at that revision: the key was written again since (a new binding or ban), which stays.
            if (deleted.Success || deleted.Error is NatsKVWrongLastRevisionException) return true;
            throw deleted.Error;
        }
        if (write.CreateOnly)
        {
            var created = await write.Bucket.TryCreateAsync(write.Key, write.Value, cancellationToken: timeout.Token).ConfigureAwait(false);
            // Refused: the key holds a binding already; the watch reports it, and it is the one that counts.
            return created.Success || created.Error is NatsKVCreateException or NatsKVWrongLastRevisionException ? true : throw created.Error;
        }
        var put = await write.Bucket.PutAsync(write.Key, write.Value, cancellationToken: timeout.Token).ConfigureAwait(false);
        if (write.Bucket == _bans) WrittenBan(write, put);
        else if (write.Bucket == _access) WrittenMute(write, put);
        return true;
    }
}
