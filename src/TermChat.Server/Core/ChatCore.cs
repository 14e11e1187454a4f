using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using System.Net;
using TermChat.Server.Core.Identity;
using TermChat.Server.Core.Moderation;
using TermChat.Server.History;

namespace TermChat.Server.Core;

/// <summary>
/// The chat itself, whatever the wire: sessions and resume, nicks, rooms, topics, away. Front ends turn what
/// clients send into the commands below and translate the events the core sends each session's
/// <see cref="ISessionSink"/>. Room entries are sequenced and kept by the <see cref="IRoomLog"/>.
/// </summary>
/// <remarks>
/// One lock guards the state, so a room's entries reach every member in seq order. Nothing under it waits on I/O:
/// sinks only queue, and the log never blocks (docs/ARCHITECTURE.md, "Where slow work happens"). Two clocks come
/// from the one <see cref="TimeProvider"/>: wall time stamps entries (<c>time_ms</c>), monotonic timestamps time
/// the resume window.
/// </remarks>
internal sealed partial class ChatCore
{
    private const int MaxListedRooms = 2000;

    private readonly object _gate = new();
    private readonly ServerOptions _options;
    private readonly ServerStats _stats;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IRoomLog _log;
    private readonly ISessionStore? _store;
    private readonly INickClaims? _claims;
    private readonly ISharedRules? _shared;
    private readonly SessionTable _sessions = new();
    private readonly NickRegistry _owners;
    private readonly BanList _bans;
    private readonly Dictionary<string, CoreRoom> _rooms = new(StringComparer.Ordinal);
    // Messages a slow log has not committed yet, with their authors (see Append).
    private readonly Dictionary<RoomEntry, CoreSession> _awaitingEcho = new(ReferenceEqualityComparer.Instance);

    /// <param name="options">Limits and the clock.</param>
    /// <param name="stats">Shared counters.</param>
    /// <param name="log">Where room entries are sequenced and kept.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="store">Where sessions are kept across restarts; null keeps them in memory only. The sessions it
    /// holds are restored at once, detached and resumable for what is left of their window.</param>
    /// <param name="owners">Where nick ownership is kept across restarts; null keeps it in memory only.</param>
    /// <param name="bans">Where bans are kept across restarts; null keeps them in memory only.</param>
    /// <param name="claims">Nicks across a cluster; null for a server on its own. Its sessions are kept through
    /// <paramref name="store"/>, which is then the same object.</param>
    /// <param name="shared">Ownership, bans, room access and mutes shared with other servers (a cluster), which are then
    /// kept through <paramref name="owners"/> and <paramref name="bans"/> (the same object); null for a server on its
    /// own, whose mutes belong to the room while it exists.</param>
    public ChatCore(ServerOptions options, ServerStats stats, IRoomLog log, ILogger logger, ISessionStore? store = null, INickOwnerStore? owners = null, IBanStore? bans = null,
        INickClaims? claims = null, ISharedRules? shared = null)
    {
        _options = options;
        _stats = stats;
        _time = options.TimeProvider;
        _log = log;
        _logger = logger;
        _store = store;
        _log.Committed = OnCommitted;
        _claims = claims;
        if (claims is not null)
        {
            claims.Lost = OnClaimLost;
            claims.Expired = OnRemoteSessionExpired;
            claims.Arrived = OnPrivateArrived;
        }
        lock (_gate)
        {
            // Other servers' changes are followed from before the bindings, bans and the lobby's mutes are loaded: one
            // that arrives in between waits for the lock and is applied after the load (again, if the load already had it).
            _shared = shared;
            if (shared is not null)
            {
                shared.OwnerSet = OnOwnerSet;
                shared.OwnerRemoved = OnOwnerRemoved;
                shared.BanSet = OnBanSet;
                shared.BanRemoved = OnBanRemoved;
                shared.AccessSet = OnAccessSet;
                shared.MuteSet = OnMuteSet;
                shared.MuteRemoved = OnMuteRemoved;
            }
            _rooms[NameRules.Lobby] = NewRoom(NameRules.Lobby);
            _owners = new NickRegistry(owners);
            _bans = new BanList(bans);
            Restore();
        }
    }

    /// <summary>Rooms that exist (the lobby always does).</summary>
    public int RoomCount
    {
        get { lock (_gate) return _rooms.Count; }
    }

    /// <summary>Sessions, attached or waiting for resume.</summary>
    public int SessionCount
    {
        get { lock (_gate) return _sessions.Count; }
    }

    /// <summary>Nicks in use (attached or held for resume).</summary>
    public int OnlineCount
    {
        get { lock (_gate) return _sessions.NickCount; }
    }

    /// <summary>Nicks owned by keys.</summary>
    public int OwnedNickCount
    {
        get { lock (_gate) return _owners.Count; }
    }

    /// <summary>
    /// Registers a new session, or resumes the one <paramref name="token"/> names with exactly the entries after each
    /// cursor. A refusal (invalid nick, nick in use, nick owned by another key) creates nothing. In a cluster the nick is
    /// claimed on the cluster first: until it answers, the registration is <see cref="Registration.Wait"/>ing and the
    /// front end offers the same call again once the wait completes.
    /// </summary>
    /// <param name="sink">Where the session's events go.</param>
    /// <param name="nick">The nick wanted.</param>
    /// <param name="token">A resume token, or none.</param>
    /// <param name="cursors">For a resume: the last seq the client has shown per room.</param>
    /// <param name="keyFingerprint">The client key's fingerprint as the transport verified it (the TLS client
    /// certificate), or null for a client without a key. A keyed client owns the nicks it is first to use; a session
    /// opened with a key resumes only with the same key.</param>
    /// <param name="address">The client's address, for IP bans; null when the transport has none.</param>
    /// <param name="password">The server password the client gave (checked when <see cref="ServerOptions.Password"/> is set).</param>
    public Registration Register(ISessionSink sink, string nick, ResumeToken token, IReadOnlyList<RoomCursor> cursors, string? keyFingerprint = null,
        IPAddress? address = null, string password = "")
    {
        if (!NameRules.IsValidNick(nick, out string problem))
        {
            return Registration.Refused(ErrorCode.InvalidNick, problem);
        }
        if (_options.Password is { } required && !PasswordMatches(required, password))
        {
            return Registration.Refused(ErrorCode.BadPassword, password.Length == 0
                ? "This server needs a password: join with --password (a client speaking protocol 3 or later)."
                : "That is not this server's password.");
        }
        lock (_gate)
        {
            if (_bans.Match(nick, keyFingerprint, address, WallMs()) is { } ban)
            {
                return Registration.Refused(ErrorCode.Banned, BannedText(ban, WallMs()));
            }
            long now = _time.GetTimestamp();
            bool rejected = false;
            if (!token.IsNone)
            {
                if (_sessions.TryGetByToken(token, out var old) && (old.Sink is not null || now < old.ExpiresAt)
                    && (old.KeyFingerprint is null || old.KeyFingerprint == keyFingerprint))
                {
                    old.Address = address;
                    Resume(sink, old, token, cursors);
                    return new Registration(old, default, "");
                }
                rejected = true;
            }
            if (_owners.Refusal(nick, keyFingerprint) is { } owned)
            {
                return Registration.Refused(ErrorCode.NickOwned, owned);
            }
            if (_sessions.TryGetLookAlike(nick, out var holder))
            {
                return Registration.Refused(ErrorCode.NickInUse, holder.Sink is null
                    ? $"The nick {holder.Nick} is held for its owner to resume for another {RemainingSeconds(holder, now)} s; choose another."
                    : $"{InUse(nick, holder)}; choose another.");
            }
            if (_claims?.Claim(nick, token.IsNone ? null : CoreSession.HashOf(token), keyFingerprint) is { } claim)
            {
                switch (claim.Outcome)
                {
                    case NickClaimOutcome.Pending:
                        return Registration.Waiting(claim.Wait!);
                    case NickClaimOutcome.Taken:
                        return Registration.Refused(ErrorCode.NickInUse, claim.Problem);
                    case NickClaimOutcome.Unavailable:
                        return Registration.Refused(ErrorCode.StorageUnavailable, claim.Problem);
                    case NickClaimOutcome.Owned:
                        return Registration.Refused(ErrorCode.NickOwned, NickRegistry.RefusalText(claim.Owner!, nick, keyFingerprint));
                    case NickClaimOutcome.Resumable:
                        return TakeOver(sink, claim.Session!, token, cursors, address);
                }
            }
            var session = _sessions.Add(nick, sink, keyFingerprint);
            session.Address = address;
            // The claim is bound to the session at once, not at its first room: an unbound claim is given back.
            if (_claims is not null) Saved(session);
            _owners.Claim(nick, keyFingerprint, WallMs());
            sink.Welcome(session.Nick, session.Token, resumed: false);
            if (rejected)
            {
                sink.Error(ErrorCode.ResumeRejected,
                    $"Your resume token is unknown or expired (sessions are kept {_options.ResumeWindow.TotalSeconds:0} s); this is a new session.");
            }
            JoinRoom(session, NameRules.Lobby, cursor: null, key: "");
            return new Registration(session, default, "");
        }
    }

    /// <summary>
    /// What is public about a nick (IRC's WHOIS, WHO and ISON), or null if nobody uses it; in a cluster, on whichever
    /// server. A query, not a command.
    /// </summary>
    public UserInfo? FindUser(string nick)
    {
        lock (_gate)
        {
            return _sessions.TryGetByNick(nick, out var found)
                ? new UserInfo(found.Nick, found.Away, [.. found.Rooms.Select(room => room.Name)], found.Sink is null)
                : _claims?.FindRemote(nick)?.Info;
        }
    }

    /// <summary>
    /// A private message to <paramref name="to"/>: delivered and echoed to the sender, or refused with an Error. A
    /// recipient whose connection dropped (waiting for a resume) cannot take it: the echo is followed by a Notice saying
    /// so. In a cluster the recipient may be on another server: the echo comes at once, and a Notice later if the
    /// message turns out not to have been delivered (the recipient left meanwhile, or their server went down).
    /// </summary>
    public void Private(CoreSession session, string to, string text)
    {
        lock (_gate)
        {
            RemoteUser? remote = null;
            if (!_sessions.TryGetByNick(to, out var target) && (remote = _claims?.FindRemote(to)) is null)
            {
                session.Sink?.Error(ErrorCode.NoSuchNick, $"Nobody is using the nick {to}.");
                return;
            }
            if (text.Length == 0)
            {
                session.Sink?.Error(ErrorCode.NotAllowed, "An empty message is not sent.");
                return;
            }
            if (remote is not null)
            {
                PrivateToRemote(session, remote, text);
                return;
            }
            var line = new PrivateLine(session.Nick, target.Nick, WallMs(), text);
            target.Sink?.Private(line);
            if (!ReferenceEquals(target, session)) session.Sink?.Private(line);
            // Private messages are kept in no log for the resume to replay: one to a dropped connection is told, as
            // across a cluster, never lost silently.
            if (target.Sink is null) session.Sink?.Notice(PrivateNotDelivered.Detached(target.Nick));
        }
    }

    /// <summary>
    /// Changes the session's nick. Returns null when done (or refused, with an Error to the session); in a cluster, a
    /// task while the new nick is being claimed: the front end offers the same command again once it completes.
    /// </summary>
    public Task? ChangeNick(CoreSession session, string nick)
    {
        lock (_gate)
        {
            if (!NameRules.IsValidNick(nick, out string problem))
            {
                session.Sink?.Error(ErrorCode.InvalidNick, problem);
                return null;
            }
            if (_owners.Refusal(nick, session.KeyFingerprint) is { } owned)
            {
                session.Sink?.Error(ErrorCode.NickOwned, owned);
                return null;
            }
            if (_sessions.TryGetLookAlike(nick, out var holder) && !ReferenceEquals(holder, session))
            {
                session.Sink?.Error(ErrorCode.NickInUse, $"{InUse(nick, holder)}; choose another.");
                return null;
            }
            // A look-alike of its own nick (a change of case) keeps the session's claim: same skeleton, same key.
            if (_claims is not null && NickSkeleton.Of(nick) != NickSkeleton.Of(session.Nick))
            {
                var claim = _claims.Claim(nick, null, session.KeyFingerprint);
                switch (claim.Outcome)
                {
                    case NickClaimOutcome.Pending:
                        return claim.Wait;
                    case NickClaimOutcome.Taken:
                        session.Sink?.Error(ErrorCode.NickInUse, claim.Problem);
                        return null;
                    case NickClaimOutcome.Unavailable:
                        session.Sink?.Error(ErrorCode.StorageUnavailable, claim.Problem);
                        return null;
                    case NickClaimOutcome.Owned:
                        session.Sink?.Error(ErrorCode.NickOwned, NickRegistry.RefusalText(claim.Owner!, nick, session.KeyFingerprint));
                        return null;
                }
            }
            _owners.Claim(nick, session.KeyFingerprint, WallMs());
            string old = session.Nick;
            if (old == nick)
            {
                session.Sink?.NickChanged(old, nick);
                return null;
            }
            _sessions.Rename(session, nick);
            Saved(session);
            session.Sink?.NickChanged(old, nick);
            foreach (var room in session.Rooms)
            {
                Append(room, RoomEntryDraft.Event(room.Name, WallMs(), RoomEventKind.NickChange, old, nick));
            }
            return null;
        }
    }

    /// <summary>
    /// <c>/nick --release</c>: the session's key gives up its current nick, which anyone may then take once the session
    /// stops using it.
    /// </summary>
    public void ReleaseNick(CoreSession session)
    {
        lock (_gate) ReleaseNickLocked(session);
    }

    public void SetAway(CoreSession session, string reason)
    {
        reason = reason.Trim();
        lock (_gate)
        {
            if (reason == session.Away)
            {
                session.Sink?.Notice(reason.Length == 0 ? "You are not marked away." : $"You are already away: {reason}");
                return;
            }
            session.Away = reason;
            Saved(session);
            session.Sink?.Notice(reason.Length == 0 ? "You are back." : $"You are marked away: {reason}");
            foreach (var room in session.Rooms)
            {
                Append(room, RoomEntryDraft.Event(room.Name, WallMs(), reason.Length == 0 ? RoomEventKind.Back : RoomEventKind.Away, session.Nick, reason));
            }
        }
    }

    /// <summary>The user left on purpose: the session ends now, with a Quit in every room.</summary>
    public void Quit(CoreSession session, string reason)
    {
        lock (_gate)
        {
            if (!session.Ended) End(session, reason);
        }
    }

    /// <summary>
    /// The connection carrying the session through <paramref name="sink"/> died without a goodbye. The session keeps
    /// its nick and rooms for the resume window and the rooms are told nothing yet; <see cref="Sweep"/> ends it with a
    /// Quit if nobody resumes it. Nothing happens if the session has moved to another sink meanwhile.
    /// </summary>
    public void Detach(CoreSession session, ISessionSink sink, string reason)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(session.Sink, sink) || session.Ended) return;
            session.Sink = null;
            session.DetachReason = reason;
            session.DetachedMs = WallMs();
            session.ExpiresAt = _time.GetTimestamp() + (long)(_options.ResumeWindow.TotalSeconds * _time.TimestampFrequency);
            if (_options.ResumeWindow <= TimeSpan.Zero)
            {
                End(session, reason);
                return;
            }
            Saved(session);
            foreach (var oldest in _sessions.Detached(session, _options.MaxClients))
            {
                End(oldest, oldest.DetachReason);
            }
        }
    }

    /// <summary>Ends sessions whose resume window has passed. Call about once a second.</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            foreach (var expired in _sessions.Expired(_time.GetTimestamp()))
            {
                End(expired, expired.DetachReason);
            }
        }
    }

    /// <summary>
    /// Hands the session to the new sink. The rooms never saw it leave (a dropped session stays a member during the
    /// resume window), so they are told nothing; the session gets, per room, exactly the entries after its cursor.
    /// </summary>
    private void Resume(ISessionSink sink, CoreSession session, ResumeToken token, IReadOnlyList<RoomCursor> cursors)
    {
        var seen = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var cursor in cursors)
        {
            if (NameRules.TryNormalizeRoom(cursor.Room, out string name, out _)) seen.TryAdd(name, cursor.LastSeq);
        }
        // The old connection has not been seen to die yet (a half-open link): it is dropped at once.
        session.Sink?.Replaced("Your session was resumed from another connection.");
        session.Sink = sink;
        // A session restored from the store learns its token only now, from the client that holds it.
        session.Token = token;
        session.DetachedMs = null;
        Saved(session);
        sink.Welcome(session.Nick, session.Token, resumed: true);
        foreach (var room in session.Rooms)
        {
            sink.Joined(JoinState(room, seen.TryGetValue(room.Name, out ulong seq) ? seq : null));
            SendModes(room, session);
        }
    }

    /// <summary>Ends a session: it leaves every room with a Quit (unless the rooms were told otherwise, as of a ban), and its
    /// nick and token are released.</summary>
    private void End(CoreSession session, string reason, bool announce = true)
    {
        _sessions.Remove(session);
        _store?.Delete(session.TokenHash);
        session.Sink = null;
        session.Ended = true;
        Log.Quit(_logger, session.Nick, reason);
        foreach (var room in session.Rooms)
        {
            room.Members.Remove(session);
            if (announce) Append(room, RoomEntryDraft.Event(room.Name, WallMs(), RoomEventKind.Quit, session.Nick, reason));
            DeleteIfUnused(room);
        }
        session.Rooms.Clear();
    }

    /// <summary>Keeps a live session's change in the store (an ended one is deleted, not saved).</summary>
    private void Saved(CoreSession session)
    {
        if (!session.Ended) _store?.Save(session.ToRecord());
    }

    /// <summary>
    /// Brings back the sessions the last run left: members of their rooms again, detached, and resumable for what
    /// is left of their window counted from when they dropped (or from when the server went down). Those whose window
    /// ran out meanwhile end now, with a Quit in each room, as they would have had the server stayed up.
    /// </summary>
    private void Restore()
    {
        if (_store is null) return;
        var (records, downSinceMs) = _store.Load();
        long nowMs = WallMs();
        long now = _time.GetTimestamp();
        foreach (var record in records)
        {
            if (_sessions.TryGetLookAlike(record.Nick, out _) || !NameRules.IsValidNick(record.Nick, out _))
            {
                _store.Delete(record.TokenHash);
                continue;
            }
            long detachedMs = record.DetachedMs ?? downSinceMs ?? nowMs;
            var session = new CoreSession(record.Nick, record.TokenHash) { KeyFingerprint = record.KeyFingerprint, Away = record.Away, DetachedMs = detachedMs, DetachReason = "connection lost" };
            _sessions.Restore(session);
            AddToRooms(session, record.Rooms);
            double leftMs = _options.ResumeWindow.TotalMilliseconds - Math.Max(0, nowMs - detachedMs);
            if (leftMs <= 0)
            {
                End(session, session.DetachReason);
                continue;
            }
            session.ExpiresAt = now + (long)(leftMs / 1000 * _time.TimestampFrequency);
            Saved(session);
            foreach (var oldest in _sessions.Detached(session, _options.MaxClients))
            {
                End(oldest, oldest.DetachReason);
            }
        }
    }

    /// <summary>
    /// Makes a session that comes back (restored from the store, or taken over from another node of a cluster) a member
    /// of its rooms again, without a Join: the rooms never saw it leave. Names that are not rooms are passed over.
    /// </summary>
    private void AddToRooms(CoreSession session, IEnumerable<string> rooms)
    {
        foreach (string name in rooms)
        {
            if (!NameRules.TryNormalizeRoom(name, out string room, out _) || session.Rooms.Any(r => r.Name == room)) continue;
            if (!_rooms.TryGetValue(room, out var found))
            {
                found = NewRoom(room);
                _rooms[room] = found;
            }
            found.Members.Add(session);
            session.Rooms.Add(found);
        }
    }

    /// <summary>Compares in constant time, so response timing does not leak how much of a guess was right.</summary>
    public static bool PasswordMatches(string required, string given) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(required)),
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(given)));

    private static string InUse(string nick, CoreSession holder) => NameRules.NickComparer.Equals(nick, holder.Nick)
        ? $"The nick {holder.Nick} is in use"
        : $"The nick {nick} looks like {holder.Nick}, which is in use";

    private long RemainingSeconds(CoreSession session, long now) =>
        Math.Max(1, (long)Math.Ceiling((session.ExpiresAt - now) / (double)_time.TimestampFrequency));

    /// <summary>Wall-clock now for entry times, Unix milliseconds.</summary>
    private long WallMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
