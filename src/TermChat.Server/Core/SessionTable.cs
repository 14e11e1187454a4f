using TermChat.Protocol;
using TermChat.Server.Core.Identity;

namespace TermChat.Server.Core;

/// <summary>
/// The core's sessions by resume token and by nick, and the detached ones in expiry order. Guarded by the core's
/// lock.
/// </summary>
internal sealed class SessionTable
{
    private readonly Dictionary<string, CoreSession> _nicks = new(NameRules.NickComparer);
    private readonly Dictionary<string, CoreSession> _byToken = new(StringComparer.Ordinal);
    // Nicks in use by their look-alike skeleton (NickSkeleton): "aIice" must not join "alice" online.
    private readonly Dictionary<string, CoreSession> _skeletons = new(StringComparer.Ordinal);
    // Detached sessions in expiry order; entries go stale when a session is resumed (checked on use).
    private readonly Queue<(CoreSession Session, long ExpiresAt)> _detached = new();

    /// <summary>Sessions, attached or waiting for resume.</summary>
    public int Count => _byToken.Count;

    /// <summary>Nicks in use.</summary>
    public int NickCount => _nicks.Count;

    /// <summary>Every session, attached or waiting for resume.</summary>
    public IEnumerable<CoreSession> All() => _byToken.Values;

    public bool TryGetByToken(ResumeToken token, out CoreSession session) => _byToken.TryGetValue(CoreSession.HashOf(token), out session!);

    /// <summary>The session whose token has this hash (<see cref="CoreSession.HashOf"/>).</summary>
    public bool TryGetByTokenHash(string tokenHash, out CoreSession session) => _byToken.TryGetValue(tokenHash, out session!);

    public bool TryGetByNick(string nick, out CoreSession session) => _nicks.TryGetValue(nick, out session!);

    /// <summary>The session whose nick is <paramref name="nick"/> or looks like it (same skeleton), if any.</summary>
    public bool TryGetLookAlike(string nick, out CoreSession session) =>
        _nicks.TryGetValue(nick, out session!) || _skeletons.TryGetValue(NickSkeleton.Of(nick), out session!);

    /// <summary>A new session under a fresh token.</summary>
    public CoreSession Add(string nick, ISessionSink sink, string? keyFingerprint)
    {
        ResumeToken token;
        do
        {
            token = ResumeToken.NewRandom();
        }
        while (token.IsNone || _byToken.ContainsKey(CoreSession.HashOf(token)));
        var session = new CoreSession(nick, token) { Sink = sink, KeyFingerprint = keyFingerprint };
        Restore(session);
        return session;
    }

    /// <summary>Adds a session as it is (new, or restored from a store).</summary>
    public void Restore(CoreSession session)
    {
        _byToken[session.TokenHash] = session;
        _nicks[session.Nick] = session;
        _skeletons.TryAdd(NickSkeleton.Of(session.Nick), session);
    }

    public void Rename(CoreSession session, string nick)
    {
        RemoveNick(session);
        session.Nick = nick;
        _nicks[nick] = session;
        _skeletons.TryAdd(NickSkeleton.Of(nick), session);
    }

    /// <summary>Forgets the session: its nick and token are free again.</summary>
    public void Remove(CoreSession session)
    {
        RemoveNick(session);
        _byToken.Remove(session.TokenHash);
    }

    /// <summary>
    /// Queues a detached session for expiry. Connection churn must not pile up sessions waiting for resume: past
    /// <paramref name="cap"/> of them, the oldest are returned to be ended early.
    /// </summary>
    public List<CoreSession> Detached(CoreSession session, int cap)
    {
        _detached.Enqueue((session, session.ExpiresAt));
        var evicted = new List<CoreSession>();
        while (_detached.Count > cap && _detached.TryDequeue(out var oldest))
        {
            if (IsWaiting(oldest)) evicted.Add(oldest.Session);
        }
        return evicted;
    }

    /// <summary>The detached sessions whose resume window ended at <paramref name="now"/> (monotonic timestamp).</summary>
    public List<CoreSession> Expired(long now)
    {
        var expired = new List<CoreSession>();
        while (_detached.TryPeek(out var entry) && (!IsWaiting(entry) || now >= entry.ExpiresAt))
        {
            _detached.Dequeue();
            if (IsWaiting(entry)) expired.Add(entry.Session);
        }
        return expired;
    }

    private void RemoveNick(CoreSession session)
    {
        if (_nicks.TryGetValue(session.Nick, out var holder) && ReferenceEquals(holder, session))
        {
            _nicks.Remove(session.Nick);
        }
        string skeleton = NickSkeleton.Of(session.Nick);
        if (_skeletons.TryGetValue(skeleton, out holder) && ReferenceEquals(holder, session))
        {
            _skeletons.Remove(skeleton);
        }
    }

    /// <summary>Whether a queued detached entry still describes a session waiting for resume.</summary>
    private static bool IsWaiting((CoreSession Session, long ExpiresAt) entry) =>
        entry.Session.Sink is null && entry.Session.ExpiresAt == entry.ExpiresAt && !entry.Session.Ended;
}
