using TermChat.Protocol;

namespace TermChat.Server.Core;

/// <summary>
/// The core's sessions by resume token and by nick, and the detached ones in expiry order. Guarded by the core's
/// lock.
/// </summary>
internal sealed class SessionTable
{
    private readonly Dictionary<string, CoreSession> _nicks = new(NameRules.NickComparer);
    private readonly Dictionary<string, CoreSession> _byToken = new(StringComparer.Ordinal);
    // Detached sessions in expiry order; entries go stale when a session is resumed (checked on use).
    private readonly Queue<(CoreSession Session, long ExpiresAt)> _detached = new();

    /// <summary>Sessions, attached or waiting for resume.</summary>
    public int Count => _byToken.Count;

    /// <summary>Nicks in use.</summary>
    public int NickCount => _nicks.Count;

    public bool TryGetByToken(ResumeToken token, out CoreSession session) => _byToken.TryGetValue(CoreSession.HashOf(token), out session!);

    public bool TryGetByNick(string nick, out CoreSession session) => _nicks.TryGetValue(nick, out session!);

    /// <summary>A new session under a fresh token.</summary>
    public CoreSession Add(string nick, ISessionSink sink)
    {
        ResumeToken token;
        do
        {
            token = ResumeToken.NewRandom();
        }
        while (token.IsNone || _byToken.ContainsKey(CoreSession.HashOf(token)));
        var session = new CoreSession(nick, token) { Sink = sink };
        Restore(session);
        return session;
    }

    /// <summary>Adds a session as it is (new, or restored from a store).</summary>
    public void Restore(CoreSession session)
    {
        _byToken[session.TokenHash] = session;
        _nicks[session.Nick] = session;
    }

    public void Rename(CoreSession session, string nick)
    {
        _nicks.Remove(session.Nick);
        session.Nick = nick;
        _nicks[nick] = session;
    }

    /// <summary>Forgets the session: its nick and token are free again.</summary>
    public void Remove(CoreSession session)
    {
        if (_nicks.TryGetValue(session.Nick, out var holder) && ReferenceEquals(holder, session))
        {
            _nicks.Remove(session.Nick);
        }
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

    /// <summary>Whether a queued detached entry still describes a session waiting for resume.</summary>
    private static bool IsWaiting((CoreSession Session, long ExpiresAt) entry) =>
        entry.Session.Sink is null && entry.Session.ExpiresAt == entry.ExpiresAt && !entry.Session.Ended;
}
