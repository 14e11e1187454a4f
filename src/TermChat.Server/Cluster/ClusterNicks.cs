using System.Text;
using Microsoft.Extensions.Logging;
using NATS.Client.KeyValueStore;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.Core.Identity;

namespace TermChat.Server.Cluster;

/// <summary>
/// Nicks and sessions across the cluster, in two JetStream key-value buckets: <c>TERMCHAT_&lt;name&gt;_NICKS</c> has
/// one key per nick skeleton (so look-alikes collide on every node), created only if absent and changed only at the
/// revision last seen (compare-and-set); its value names the node and holds the session's state, which a resume on
/// another node takes over. <c>TERMCHAT_&lt;name&gt;_NODES</c> has each node's heartbeat: the survivors of a node that
/// stopped beating remove its claims once its resume window has passed, and its sessions' rooms get their Quit.
/// </summary>
/// <remarks>
/// The core calls in under its lock (<see cref="Claim"/>, <see cref="Save"/>, <see cref="Delete"/>): they only start
/// work. One lock of this class guards its tables and is never held across an await or a callback into the core.
/// </remarks>
internal sealed partial class ClusterNicks : INickClaims, ISessionStore, IAsyncDisposable
{
    /// <summary>What a registration is told while the link is down.</summary>
    public const string UnavailableRefusal = "The cluster is unavailable, so no nick can be claimed until this server reconnects to it; try again soon.";

    private readonly object _gate = new();
    private readonly Dictionary<string, NickClaimState> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keyByToken = new(StringComparer.Ordinal);
    private readonly ClusterLink _link;
    private readonly INatsKVStore _nicks;
    private readonly INatsKVStore _nodes;
    private readonly ClusterRules _rules;
    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _claimTimeout;
    private readonly NodeLoops _loops = new();

    private ClusterNicks(ClusterLink link, INatsKVStore nicks, INatsKVStore nodes, ClusterRules rules, ServerOptions options, ILogger logger)
    {
        _link = link;
        _rules = rules;
        _nicks = nicks;
        _nodes = nodes;
        _options = options;
        _logger = logger;
        _time = options.TimeProvider;
        _claimTimeout = link.Options.ConnectTimeout > TimeSpan.FromSeconds(2) ? link.Options.ConnectTimeout : TimeSpan.FromSeconds(2);
        _startedAt = _time.GetTimestamp();
        _linkUpSince = _startedAt;
    }

    /// <inheritdoc/>
    public Action<string>? Lost { get; set; }

    /// <inheritdoc/>
    public Action<SessionRecord>? Expired { get; set; }

    /// <summary>This node's id, as its claims and heartbeat name it.</summary>
    public string Node => _link.NodeId;

    /// <summary>Nick keys this node holds or is claiming.</summary>
    public int ClaimCount
    {
        get { lock (_gate) return _claims.Count; }
    }

    /// <summary>Opens (creating if need be) the buckets, beats once and starts following them.</summary>
    public static async Task<ClusterNicks> OpenAsync(ClusterLink link, ClusterRules rules, ServerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var kv = new NatsKVContext(link.JetStream);
        var nicks = await kv.CreateStoreAsync(new NatsKVConfig(link.NickBucket) { History = 1, Storage = NatsKVStorageType.File }, cancellationToken).ConfigureAwait(false);
        // A dead node's heartbeat lingers an hour at most: long past any resume window, and the bucket stays small.
        var nodes = await kv.CreateStoreAsync(new NatsKVConfig(link.NodeBucket) { History = 1, Storage = NatsKVStorageType.File, MaxAge = TimeSpan.FromHours(1) },
            cancellationToken).ConfigureAwait(false);
        var claims = new ClusterNicks(link, nicks, nodes, rules, options, logger);
        await claims.BeatAsync(cancellationToken).ConfigureAwait(false);
        claims.Start(await claims.StartPrivateAsync(cancellationToken).ConfigureAwait(false));
        return claims;
    }

    /// <summary>
    /// The key of a nick, so that every two nicks a server refuses side by side (equal ignoring case, or look-alikes by
    /// skeleton) share one: the skeleton of the nick lower-cased with <c>i</c> as <c>l</c>, in hex (keys allow few
    /// characters).
    /// </summary>
    /// <remarks>
    /// One key needs a relation that is transitive, and "same nick ignoring case, or same skeleton" is not: <c>I</c> is
    /// <c>i</c> by case and <c>l</c> by look. Among the ASCII nick characters that is the one letter whose skeleton
    /// depends on its case that matters (<c>M</c>'s skeleton is <c>m</c>, but no other nick character looks like
    /// <c>M</c>), so the key merges <c>i</c> with <c>l</c>: across a cluster, <c>aiice</c> and <c>alice</c> collide
    /// too. A test checks every nick of up to three characters.
    /// </remarks>
    public static string KeyOf(string nick) => "n." + SkeletonToken(nick);

    /// <summary>
    /// The token that stands for every nick that looks like <paramref name="nick"/> (<see cref="KeyOf"/> says which):
    /// the nicks bucket and the owners bucket key by it, so the two decide look-alikes alike.
    /// </summary>
    public static string SkeletonToken(string nick) =>
        Convert.ToHexStringLower(Encoding.UTF8.GetBytes(NickSkeleton.Of(nick.ToLowerInvariant().Replace('i', 'l'))));

    /// <inheritdoc/>
    public NickClaim Claim(string nick, string? tokenHash, string? keyFingerprint)
    {
        string key = KeyOf(nick);
        lock (_gate)
        {
            if (_claims.TryGetValue(key, out var state))
            {
                if (!state.Claiming.IsCompleted) return NickClaim.Pending(state.Claiming);
                var answer = state.Claiming.Result;
                if (answer.Outcome is NickClaimOutcome.Held or NickClaimOutcome.Resumable && !state.Bound && !state.Gone)
                {
                    // A takeover answers only the client that holds the token.
                    return answer.Outcome == NickClaimOutcome.Resumable && state.TokenHash != tokenHash
                        ? NickClaim.Taken($"The nick {nick} is being resumed by its owner; choose another.")
                        : answer;
                }
                if (answer.Outcome is NickClaimOutcome.Taken or NickClaimOutcome.Unavailable or NickClaimOutcome.Owned || state.Gone)
                {
                    // Told once: the next attempt asks the cluster again.
                    _claims.Remove(key);
                    return state.Gone ? NickClaim.Taken($"The nick {nick} is in use on another server of the cluster; choose another.") : answer;
                }
                return NickClaim.Taken($"The nick {nick} is in use; choose another.");
            }
            var answered = new TaskCompletionSource<NickClaim>(TaskCreationOptions.RunContinuationsAsynchronously);
            state = new NickClaimState(key, tokenHash, answered.Task, _time.GetTimestamp());
            _claims[key] = state;
            // Off the caller's thread: it holds the core's lock, and nothing of the claim may run under it.
            _ = Task.Run(() => ClaimAsync(state, nick, tokenHash, keyFingerprint, answered));
            return NickClaim.Pending(answered.Task);
        }
    }

    /// <inheritdoc/>
    (IReadOnlyList<SessionRecord> Sessions, long? DownSinceMs) ISessionStore.Load() => ([], null);

    /// <summary>
    /// A session of this node changed (or now uses its claim): its state goes under its nick's key, after any write on
    /// its way. A nick change moves it to the new nick's key (claimed before) and releases the old one.
    /// </summary>
    public void Save(SessionRecord session)
    {
        string key = KeyOf(session.Nick);
        lock (_gate)
        {
            if (_keyByToken.TryGetValue(session.TokenHash, out string? old) && old != key) ReleaseLocked(session.TokenHash);
            if (!_claims.TryGetValue(key, out var state) || state.Gone || !state.Claiming.IsCompletedSuccessfully
                || state.Claiming.Result.Outcome is not (NickClaimOutcome.Held or NickClaimOutcome.Resumable))
            {
                // The core saves only sessions whose nick it was told is held; a claim lost meanwhile was reported (Lost).
                return;
            }
            state.Bound = true;
            state.TokenHash = session.TokenHash;
            _keyByToken[session.TokenHash] = key;
            state.Unwritten = session;
            FlushLocked(state);
        }
    }

    /// <summary>The session ended: its nick's key is deleted (only at the revision this node wrote last).</summary>
    public void Delete(string tokenHash)
    {
        lock (_gate) ReleaseLocked(tokenHash);
    }

    public ValueTask DisposeAsync() => _loops.StopAsync();

    private void ReleaseLocked(string tokenHash)
    {
        if (!_keyByToken.Remove(tokenHash, out string? key) || !_claims.Remove(key, out var state)) return;
        state.Released = true;
        FlushLocked(state);
    }

    private void FlushLocked(NickClaimState state)
    {
        if (state.Flushing) return;
        state.Flushing = true;
        // Off the caller's thread, which may hold the core's lock: a lost claim calls back into the core.
        _ = Task.Run(() => FlushAsync(state));
    }

    /// <summary>
    /// Asks the cluster whether another key owns the nick (binding it to this client's key if no key does), then for the
    /// nick itself. Ownership comes first so that of two keys racing for look-alikes the loser is told whose the nick
    /// is; a binding made for a nick that then cannot be used is given back.
    /// </summary>
    private async Task<(NickClaim Answer, SessionRecord? Expired)> AskAsync(NickClaimState state, string nick, string? tokenHash, string? keyFingerprint,
        CancellationToken cancellationToken)
    {
        // A link that is down may be back within the claim's time (the client reconnects within a couple of seconds):
        // the registration waits for it rather than failing at once; past that it is refused as unavailable.
        while (!_link.IsConnected) await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
        var (refusing, created) = await _rules.ClaimOwnerAsync(nick, keyFingerprint, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken)
            .ConfigureAwait(false);
        if (refusing is not null) return (NickClaim.Owned(refusing), null);
        try
        {
            var asked = await AskNickAsync(state, nick, tokenHash, keyFingerprint, cancellationToken).ConfigureAwait(false);
            if (created == 0) return asked;
            if (asked.Answer.Outcome is not (NickClaimOutcome.Held or NickClaimOutcome.Resumable))
            {
                _rules.GiveBack(nick, created);
                return asked;
            }
            lock (_gate)
            {
                state.OwnerNick = nick;
                state.OwnerCreated = created;
            }
            return asked;
        }
        catch when (created != 0)
        {
            _rules.GiveBack(nick, created);
            throw;
        }
    }

    /// <summary>
    /// Asks the cluster for the key: created if absent; taken over (compare-and-set at the revision read) if its session
    /// is the one the token names, or its node died longer than the resume window ago; otherwise refused.
    /// </summary>
    private async Task ClaimAsync(NickClaimState state, string nick, string? tokenHash, string? keyFingerprint, TaskCompletionSource<NickClaim> answered)
    {
        NickClaim answer;
        SessionRecord? expired = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_loops.Token);
            timeout.CancelAfter(_claimTimeout);
            (answer, expired) = await AskAsync(state, nick, tokenHash, keyFingerprint, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ClusterLog.ClaimFailed(_logger, nick, e.Message);
            answer = NickClaim.Unavailable(UnavailableRefusal);
        }
        if (expired is not null) Expired?.Invoke(expired);
        answered.SetResult(answer);
    }

    private async Task<(NickClaim Answer, SessionRecord? Expired)> AskNickAsync(NickClaimState state, string nick, string? tokenHash, string? keyFingerprint,
        CancellationToken cancellationToken)
    {
        byte[] mine = new ClaimValue(Node, null).ToBytes();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var created = await _nicks.TryCreateAsync(state.Key, mine, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (created.Success)
            {
                lock (_gate) state.Revision = created.Value;
                return (NickClaim.Held, null);
            }
            var read = await _nicks.TryGetEntryAsync<byte[]>(state.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!read.Success)
            {
                if (read.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException) continue;
                throw read.Error;
            }
            var holder = ClaimValue.Parse(read.Value.Value ?? []);
            bool expired;
            lock (_gate) expired = holder is null || holder.Node == Node || IsExpiredLocked(holder.Node);
            var session = holder?.Session;
            bool resumable = !expired && session is not null && tokenHash is not null && session.TokenHash == tokenHash
                && (session.KeyFingerprint is null || session.KeyFingerprint == keyFingerprint);
            if (!expired && !resumable)
            {
                string which = session is null || NameRules.NickComparer.Equals(session.Nick, nick)
                    ? $"The nick {session?.Nick ?? nick} is"
                    : $"The nick {nick} looks like {session.Nick}, which is";
                return (NickClaim.Taken(session is { DetachedMs: not null }
                    ? $"{which} held for its owner to resume on another server of the cluster; choose another."
                    : $"{which} in use on another server of the cluster; choose another."), null);
            }
            // A takeover keeps the session in the value from the first write on: other nodes never see the nick without
            // its user (a private message on its way follows the user here; a member list does not flicker).
            byte[] value = resumable ? new ClaimValue(Node, session! with { DetachedMs = null }).ToBytes() : mine;
            var updated = await _nicks.TryUpdateAsync(state.Key, value, read.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!updated.Success)
            {
                if (updated.Error is NatsKVWrongLastRevisionException) continue;
                throw updated.Error;
            }
            lock (_gate) state.Revision = updated.Value;
            if (resumable) return (NickClaim.Resumable(session!), null);
            // A dead node's session that nobody resumed in time ends here, with its Quit, as the sweep would end it.
            return (NickClaim.Held, holder?.Node == Node ? null : session);
        }
        return (NickClaim.Taken($"The nick {nick} is contended on the cluster; try again."), null);
    }

    /// <summary>Writes the claim's queued state, then (if released) deletes it, each at the revision last written.</summary>
    private async Task FlushAsync(NickClaimState state)
    {
        while (true)
        {
            SessionRecord? record;
            ulong revision;
            lock (_gate)
            {
                if (state.Gone || (!state.Released && state.Unwritten is null))
                {
                    state.Flushing = false;
                    return;
                }
                record = state.Released ? null : state.Unwritten;
                state.Unwritten = null;
                revision = state.Revision;
            }
            Exception? failure;
            try
            {
                if (record is null)
                {
                    var deleted = await _nicks.TryDeleteAsync(state.Key, new NatsKVDeleteOpts { Revision = revision }, _loops.Token).ConfigureAwait(false);
                    // Refused at that revision: another node owns the key now, and it is not this node's to delete.
                    failure = deleted.Success || deleted.Error is NatsKVWrongLastRevisionException ? null : deleted.Error;
                    if (failure is null)
                    {
                        lock (_gate) state.Flushing = false;
                        return;
                    }
                }
                else
                {
                    var written = await _nicks.TryUpdateAsync(state.Key, new ClaimValue(Node, record).ToBytes(), revision, cancellationToken: _loops.Token).ConfigureAwait(false);
                    if (written.Success)
                    {
                        lock (_gate) state.Revision = Math.Max(state.Revision, written.Value);
                        continue;
                    }
                    if (written.Error is NatsKVWrongLastRevisionException)
                    {
                        Lose(state);
                        Lost?.Invoke(record.TokenHash);
                        return;
                    }
                    failure = written.Error;
                    lock (_gate) state.Unwritten ??= record;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = e;
                if (record is not null)
                {
                    lock (_gate) state.Unwritten ??= record;
                }
            }
            if (_loops.Stopping) return;
            ClusterLog.ClaimWriteFailed(_logger, state.Key, failure.Message);
            lock (_gate)
            {
                state.Flushing = false;
                _retry.Add(state);
            }
            return;
        }
    }

    /// <summary>The key is another node's now: forgotten here without a write or delete.</summary>
    private void Lose(NickClaimState state)
    {
        lock (_gate)
        {
            state.Gone = true;
            state.Flushing = false;
            if (_claims.TryGetValue(state.Key, out var current) && ReferenceEquals(current, state)) _claims.Remove(state.Key);
            if (state.TokenHash is { } token && _keyByToken.TryGetValue(token, out string? key) && key == state.Key) _keyByToken.Remove(token);
        }
    }
}
