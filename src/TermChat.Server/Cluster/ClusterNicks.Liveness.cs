using System.Globalization;
using System.Text;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using TermChat.Protocol;
using TermChat.Server.Core;

namespace TermChat.Server.Cluster;

// Liveness: this node's heartbeat, following the other nodes' and every claim, and the sweep that ends a dead node's
// sessions once its resume window has passed.
internal sealed partial class ClusterNicks
{
    /// <summary>How often a node beats (and the sweep runs).</summary>
    public static readonly TimeSpan BeatInterval = TimeSpan.FromSeconds(1);

    // Two missed beats on top of the window: a node is never declared dead while it may still be beating.
    private static readonly TimeSpan Grace = BeatInterval * 2;
    // A claim made for a registration that never happened (the client left while it was asked) is given back.
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, (long LastSeen, double WindowMs)> _nodesSeen = new(StringComparer.Ordinal);
    // Every claim in the bucket, as the watch last reported it: what the sweep looks through.
    private readonly Dictionary<string, (ClaimValue Value, ulong Revision)> _index = new(StringComparer.Ordinal);
    private readonly HashSet<NickClaimState> _retry = [];
    private readonly HashSet<string> _sweeping = new(StringComparer.Ordinal);
    private readonly long _startedAt;
    private long _linkUpSince;

    private void Start(Task[] privateLoops)
    {
        _link.Connection.ConnectionOpened += (_, _) =>
        {
            // Nobody's silence while this node was cut off counts against them: the clocks restart now.
            lock (_gate) _linkUpSince = _time.GetTimestamp();
            return ValueTask.CompletedTask;
        };
        _loops.Start(
        [
            Task.Run(() => BucketFollower.FollowAsync(_nodes, OnNodeEntry, BeatInterval, _time, _logger, _loops.Token)),
            Task.Run(() => BucketFollower.FollowAsync(_nicks, OnClaimEntry, BeatInterval, _time, _logger, _loops.Token)),
            Task.Run(SweepLoopAsync),
            .. privateLoops,
        ]);
    }

    /// <summary>Puts this node's heartbeat: its resume window, which the survivors apply to its sessions.</summary>
    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        byte[] beat = Encoding.UTF8.GetBytes(_options.ResumeWindow.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture));
        await _nodes.PutAsync(Node, beat, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IReadOnlyList<Member> RemoteMembers(string room)
    {
        lock (_gate)
        {
            // A scan of every claim: fine for a cluster of thousands of sessions; docs/SCALING.md says what a big one needs.
            return [.. _index.Values
                .Where(claim => claim.Value.Node != Node && claim.Value.Session is { } session && session.Rooms.Contains(room, StringComparer.Ordinal))
                .Select(claim => new Member(claim.Value.Session!.Nick, claim.Value.Session.Away))];
        }
    }

    /// <summary>Whether a node has not beaten for longer than its resume window (and the grace). Under the lock.</summary>
    private bool IsExpiredLocked(string node)
    {
        long since = _nodesSeen.TryGetValue(node, out var seen) ? seen.LastSeen : _startedAt;
        double windowMs = seen.WindowMs > 0 ? seen.WindowMs : _options.ResumeWindow.TotalMilliseconds;
        since = Math.Max(since, _linkUpSince);
        return _time.GetElapsedTime(since).TotalMilliseconds > windowMs + Grace.TotalMilliseconds;
    }

    private void OnNodeEntry(NatsKVEntry<byte[]> entry)
    {
        if (entry.Operation != NatsKVOperation.Put) return;
        double.TryParse(Encoding.UTF8.GetString(entry.Value ?? []), NumberStyles.Float, CultureInfo.InvariantCulture, out double windowMs);
        lock (_gate) _nodesSeen[entry.Key] = (_time.GetTimestamp(), windowMs);
    }

    /// <summary>
    /// Keeps the index of every claim, and notices a key of this node's that another node wrote (a resume taken over
    /// there, or a sweep while this node was cut off): that session ends here without a Quit.
    /// </summary>
    private void OnClaimEntry(NatsKVEntry<byte[]> entry)
    {
        var value = entry.Operation == NatsKVOperation.Put ? ClaimValue.Parse(entry.Value ?? []) : null;
        string? lost = null;
        lock (_gate)
        {
            if (value is null) _index.Remove(entry.Key);
            else _index[entry.Key] = (value, entry.Revision);
            if (_claims.TryGetValue(entry.Key, out var mine) && mine.Claiming.IsCompletedSuccessfully && entry.Revision > mine.Revision
                && value?.Node != Node)
            {
                lost = mine.Bound ? mine.TokenHash : null;
                Lose(mine);
            }
        }
        if (lost is not null) Lost?.Invoke(lost);
    }

    /// <summary>Every beat: the heartbeat, writes that failed, abandoned claims, and dead nodes' expired sessions.</summary>
    private async Task SweepLoopAsync()
    {
        using var timer = new PeriodicTimer(BeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_loops.Token).ConfigureAwait(false))
            {
                ExpirePrivates();
                if (!_link.IsConnected) continue;
                try
                {
                    await BeatAsync(_loops.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NatsException or NatsKVException or TimeoutException)
                {
                    ClusterLog.WatchFailed(_logger, _nodes.Bucket, e.Message);
                }
                foreach (var (key, revision, session) in SweepLocked())
                {
                    _ = RemoveExpiredAsync(key, revision, session);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Restarts failed writes and gives back abandoned claims; returns the dead nodes' claims to remove.</summary>
    private List<(string Key, ulong Revision, SessionRecord? Session)> SweepLocked()
    {
        lock (_gate)
        {
            foreach (var state in _retry) FlushLocked(state);
            _retry.Clear();
            foreach (var state in _claims.Values.Where(s => !s.Bound && s.Claiming.IsCompletedSuccessfully
                && s.Claiming.Result.Outcome is NickClaimOutcome.Held or NickClaimOutcome.Resumable
                && _time.GetElapsedTime(s.StartedAt) > AbandonedAfter).ToList())
            {
                _claims.Remove(state.Key);
                state.Released = true;
                FlushLocked(state);
                // As on a single server, a key owns a nick only once a session has used it.
                if (state.OwnerNick is { } owned) _rules.GiveBack(owned, state.OwnerCreated);
            }
            var expired = new List<(string, ulong, SessionRecord?)>();
            foreach (var (key, (value, revision)) in _index)
            {
                if (value.Node == Node || _sweeping.Contains(key) || !IsExpiredLocked(value.Node)) continue;
                _sweeping.Add(key);
                expired.Add((key, revision, value.Session));
            }
            return expired;
        }
    }

    /// <summary>Deletes a dead node's claim at the revision seen: exactly one survivor succeeds, and it sends the Quits.</summary>
    private async Task RemoveExpiredAsync(string key, ulong revision, SessionRecord? session)
    {
        try
        {
            var deleted = await _nicks.TryDeleteAsync(key, new NatsKVDeleteOpts { Revision = revision }, _loops.Token).ConfigureAwait(false);
            if (deleted.Success)
            {
                ClusterLog.SessionExpired(_logger, session?.Nick ?? key);
                if (session is not null) Expired?.Invoke(session);
            }
        }
        catch (Exception e) when (e is NatsException or NatsKVException or TimeoutException or OperationCanceledException)
        {
            // Tried again at the next beat, if the claim is still there.
        }
        finally
        {
            lock (_gate) _sweeping.Remove(key);
        }
    }
}
