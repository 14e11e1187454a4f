using System.Globalization;
using TermChat.Protocol;
using TermChat.Server.Core.Moderation;
using TermChat.Server.History;

namespace TermChat.Server.Core;

// Moderation: operators (by key), bans, kicks, mutes, voice, invitations and room modes. Every refusal is an Error
// with the reason; every action is a room event, so the members see what happened.
internal sealed partial class ChatCore
{
    /// <summary>Bans in force (lapsed ones are dropped as they are met).</summary>
    public int BanCount
    {
        get { lock (_gate) return _bans.Count; }
    }

    /// <summary>A moderation command (protocol version 3's Moderate), or <c>/nick --release</c>.</summary>
    public void Moderate(CoreSession session, ModerationAction action, string room, string target, uint seconds, string reason)
    {
        lock (_gate)
        {
            if (action == ModerationAction.ReleaseNick)
            {
                ReleaseNickLocked(session);
                return;
            }
            if (!IsOperator(session))
            {
                session.Sink?.Error(ErrorCode.NotOperator, session.KeyFingerprint is null
                    ? $"Only the server's operators may {Verb(action)}, and they are known by their keys: this client has none."
                    : $"Only the server's operators may {Verb(action)}; your key is not one of theirs.");
                return;
            }
            if (action == ModerationAction.Ban)
            {
                BanTarget(session, target, seconds, reason);
                return;
            }
            if (action == ModerationAction.Unban)
            {
                if (_shared?.Unavailable is { } unavailable) session.Sink?.Error(ErrorCode.StorageUnavailable, unavailable);
                else if (_bans.Remove(target)) session.Sink?.Notice($"The ban on {target} is lifted.");
                else session.Sink?.Error(ErrorCode.NotAllowed, $"There is no ban on exactly {target}.");
                return;
            }
            if (!TryRoomName(session, room, out string name)) return;
            if (!_rooms.TryGetValue(name, out var found))
            {
                session.Sink?.Error(ErrorCode.InvalidRoom, $"There is no room {name}.");
                return;
            }
            ModerateRoom(session, found, action, target, seconds, reason);
        }
    }

    /// <summary>Joins a room with its key (protocol version 3's JoinKeyed).</summary>
    public void Join(CoreSession session, string room, string key)
    {
        lock (_gate)
        {
            if (TryRoomName(session, room, out string name)) JoinRoom(session, name, cursor: null, key);
        }
    }

    private bool IsOperator(CoreSession session) => session.KeyFingerprint is { } key && _options.Operators.Contains(key);

    /// <summary>Why the session may not join <paramref name="room"/> with <paramref name="key"/>, or null if it may.</summary>
    private (ErrorCode Code, string Text)? JoinRefusal(CoreSession session, CoreRoom room, string key)
    {
        if ((room.Modes & (RoomModeFlags.InviteOnly | RoomModeFlags.Key)) == 0 || IsOperator(session) || room.Invited.Contains(session.Nick)) return null;
        if ((room.Modes & RoomModeFlags.InviteOnly) != 0) return (ErrorCode.InviteOnly, $"{room.Name} is invite-only: ask an operator to invite you.");
        if (key == room.Key) return null;
        return (ErrorCode.BadPassword, key.Length == 0 ? $"{room.Name} needs a key: /join {room.Name} KEY." : $"That is not the key of {room.Name}.");
    }

    /// <summary>Why the session may not speak in <paramref name="room"/> now, or null if it may.</summary>
    private string? SpeakRefusal(CoreSession session, CoreRoom room)
    {
        if (room.Muted.TryGetValue(session.Nick, out long until))
        {
            long now = WallMs();
            if (until > now)
            {
                return until == long.MaxValue
                    ? $"You are muted in {room.Name} until an operator unmutes you."
                    : $"You are muted in {room.Name} for another {Math.Max(1, (until - now + 999) / 1000)} s.";
            }
            room.Muted.Remove(session.Nick);
            _shared?.MuteLapsed(new RoomMute(room.Name, session.Nick, until));
        }
        if ((room.Modes & RoomModeFlags.Moderated) != 0 && !IsOperator(session) && !room.Voiced.Contains(session.Nick))
        {
            return $"{room.Name} is moderated: only operators and members with voice speak.";
        }
        return null;
    }

    private void ModerateRoom(CoreSession op, CoreRoom room, ModerationAction action, string target, uint seconds, string reason)
    {
        // A room's modes, key and mutes hold on every server that shares it: a change that could not reach the others
        // would leave the room open, or a muted member speaking, on some of them.
        if (IsShared(action) && _shared?.Unavailable is { } unavailable)
        {
            op.Sink?.Error(ErrorCode.StorageUnavailable, unavailable);
            return;
        }
        switch (action)
        {
            case ModerationAction.Kick:
                if (room.Members.FirstOrDefault(m => NameRules.NickComparer.Equals(m.Nick, target)) is { } kicked)
                {
                    Announce(room, op, RoomEventKind.Kick, $"{kicked.Nick} {reason}".TrimEnd());
                    RemoveKicked(room, kicked, op.Nick, reason);
                }
                else if (_claims?.RemoteMembers(room.Name).Select(m => m.Nick).FirstOrDefault(nick => NameRules.NickComparer.Equals(nick, target)) is { } remote)
                {
                    // The member's own server removes it when this event reaches it through the room's log.
                    Announce(room, op, RoomEventKind.Kick, $"{remote} {reason}".TrimEnd());
                }
                else
                {
                    op.Sink?.Error(ErrorCode.NoSuchNick, $"{target} is not in {room.Name}.");
                }
                return;
            case ModerationAction.Mute:
                if (!TryNick(op, target)) return;
                var mute = new RoomMute(room.Name, target, seconds == 0 ? RoomMute.UntilUnmuted : WallMs() + seconds * 1000L);
                room.Muted[target] = mute.UntilMs;
                _shared?.SaveMute(mute);
                Announce(room, op, RoomEventKind.Mute, $"{target} {(seconds == 0 ? "until unmuted" : $"for {Duration(seconds)}")}{Because(reason)}");
                return;
            case ModerationAction.Unmute:
                if (!TryNick(op, target)) return;
                if (!room.Muted.Remove(target))
                {
                    op.Sink?.Error(ErrorCode.NotAllowed, $"{target} is not muted in {room.Name}.");
                    return;
                }
                _shared?.DeleteMute(room.Name, target);
                Announce(room, op, RoomEventKind.Unmute, target);
                return;
            case ModerationAction.Voice or ModerationAction.Devoice:
                if (!TryNick(op, target)) return;
                bool changed = action == ModerationAction.Voice ? room.Voiced.Add(target) : room.Voiced.Remove(target);
                if (!changed)
                {
                    op.Sink?.Error(ErrorCode.NotAllowed, $"{target} {(action == ModerationAction.Voice ? "already has" : "has no")} voice in {room.Name}.");
                    return;
                }
                Announce(room, op, action == ModerationAction.Voice ? RoomEventKind.Voice : RoomEventKind.Devoice, target);
                SendModes(room);
                return;
            case ModerationAction.Invite:
                if (!TryNick(op, target)) return;
                room.Invited.Add(target);
                Announce(room, op, RoomEventKind.Invite, target);
                if (_sessions.TryGetByNick(target, out var invited))
                {
                    invited.Sink?.Notice($"{op.Nick} invites you to {room.Name}: /join {room.Name}");
                }
                return;
            case ModerationAction.SetKey:
                if (target.Length == 0)
                {
                    op.Sink?.Error(ErrorCode.NotAllowed, "A room key cannot be empty; /key - removes it.");
                    return;
                }
                room.Key = target;
                SetMode(op, room, RoomModeFlags.Key, on: true, "+k");
                return;
            case ModerationAction.ClearKey:
                room.Key = "";
                SetMode(op, room, RoomModeFlags.Key, on: false, "-k");
                return;
            default:
                var (flag, on, change) = action switch
                {
                    ModerationAction.LockTopic => (RoomModeFlags.TopicLocked, true, "+t"),
                    ModerationAction.UnlockTopic => (RoomModeFlags.TopicLocked, false, "-t"),
                    ModerationAction.InviteOnly => (RoomModeFlags.InviteOnly, true, "+i"),
                    ModerationAction.NotInviteOnly => (RoomModeFlags.InviteOnly, false, "-i"),
                    ModerationAction.Moderated => (RoomModeFlags.Moderated, true, "+m"),
                    _ => (RoomModeFlags.Moderated, false, "-m"),
                };
                SetMode(op, room, flag, on, change);
                return;
        }
    }

    /// <summary>Whether the action changes what a cluster keeps for the room on every server: its modes, key or mutes.</summary>
    private static bool IsShared(ModerationAction action) => action is ModerationAction.SetKey or ModerationAction.ClearKey
        or ModerationAction.LockTopic or ModerationAction.UnlockTopic or ModerationAction.InviteOnly or ModerationAction.NotInviteOnly
        or ModerationAction.Moderated or ModerationAction.NotModerated or ModerationAction.Mute or ModerationAction.Unmute;

    private void SetMode(CoreSession op, CoreRoom room, RoomModeFlags flag, bool on, string change)
    {
        // Setting a key again changes it, so +k is announced even when the mode was already on.
        if (((room.Modes & flag) != 0) == on && change != "+k")
        {
            op.Sink?.Notice($"{room.Name} already has mode {change}.");
            return;
        }
        room.Modes = on ? room.Modes | flag : room.Modes & ~flag;
        _log.SetAccess(room.Name, new RoomAccess(room.Modes, room.Key));
        Announce(room, op, RoomEventKind.Mode, change);
        SendModes(room);
    }

    private void BanTarget(CoreSession op, string target, uint seconds, string reason)
    {
        if (!BanList.TryParse(target, out _, out _, out string problem))
        {
            op.Sink?.Error(ErrorCode.NotAllowed, problem);
            return;
        }
        long now = WallMs();
        var ban = new Ban(BanList.TryParse(target, out var kind, out _, out _) ? kind : BanKind.Nick, target, seconds == 0 ? null : now + seconds * 1000L, reason, op.Nick);
        if (ban.Kind == BanKind.Key && ban.Target == op.KeyFingerprint || ban.Kind == BanKind.Nick && NameRules.NickComparer.Equals(target, op.Nick))
        {
            op.Sink?.Error(ErrorCode.NotAllowed, "You cannot ban yourself.");
            return;
        }
        if (_shared?.Unavailable is { } unavailable)
        {
            op.Sink?.Error(ErrorCode.StorageUnavailable, unavailable);
            return;
        }
        _bans.Add(ban);
        op.Sink?.Notice($"Banned {target} {(seconds == 0 ? "until lifted" : $"for {Duration(seconds)}")}.");
        RemoveBanned(ban, op, now);
    }

    /// <summary>
    /// Everyone here the ban matches leaves now (but the operator who made it, if here): the rooms see the ban instead
    /// of a quit.
    /// </summary>
    private void RemoveBanned(Ban ban, CoreSession? op, long now)
    {
        var banned = new BanList(null);
        banned.Add(ban);
        foreach (var session in _sessions.All().Where(s => !ReferenceEquals(s, op) && banned.Match(s.Nick, s.KeyFingerprint, s.Address, now) is not null).ToList())
        {
            foreach (var room in session.Rooms)
            {
                Append(room, RoomEntryDraft.Event(room.Name, WallMs(), RoomEventKind.Ban, ban.By, Fit($"{session.Nick} {ban.Reason}".TrimEnd())));
            }
            session.Sink?.Removed(ErrorCode.Banned, BannedText(ban, now));
            End(session, "banned", announce: false);
        }
    }

    private void ReleaseNickLocked(CoreSession session)
    {
        if (session.KeyFingerprint is null)
        {
            session.Sink?.Error(ErrorCode.NotAllowed, "Only a client with a key owns nicks; there is nothing to release.");
            return;
        }
        if (_shared?.Unavailable is { } unavailable)
        {
            session.Sink?.Error(ErrorCode.StorageUnavailable, unavailable);
            return;
        }
        if (_owners.Release(session.Nick, session.KeyFingerprint) is null)
        {
            session.Sink?.Error(ErrorCode.NotAllowed, $"Your key does not own the nick {session.Nick}.");
            return;
        }
        session.Sink?.Notice($"Your key no longer owns the nick {session.Nick}; anyone may take it once you stop using it.");
    }

    /// <summary>Sequences a moderation event: the operator is the event's nick, the detail says what was done.</summary>
    private void Announce(CoreRoom room, CoreSession op, RoomEventKind kind, string detail) =>
        Append(room, RoomEntryDraft.Event(room.Name, WallMs(), kind, op.Nick, Fit(detail)));

    /// <summary>Tells every member the room's modes and who holds rights in it.</summary>
    private void SendModes(CoreRoom room)
    {
        foreach (var member in room.Members) SendModes(room, member);
    }

    private void SendModes(CoreRoom room, CoreSession member)
    {
        if (member.Sink is not { } sink) return;
        var operators = room.Members.Where(IsOperator).Select(m => m.Nick).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        var voiced = room.Members.Where(m => room.Voiced.Contains(m.Nick)).Select(m => m.Nick).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        sink.Modes(room.Name, room.Modes, operators, voiced);
    }

    /// <summary>A kicked member leaves the room, and is told by whom and why.</summary>
    private void RemoveKicked(CoreRoom room, CoreSession kicked, string byNick, string reason)
    {
        room.Members.Remove(kicked);
        kicked.Rooms.Remove(room);
        Saved(kicked);
        kicked.Sink?.Notice($"{byNick} kicked you from {room.Name}{Because(reason)}");
        kicked.Sink?.Parted(room.Name);
        DeleteIfUnused(room);
    }

    private static bool TryNick(CoreSession op, string nick)
    {
        if (NameRules.IsValidNick(nick, out string problem)) return true;
        op.Sink?.Error(ErrorCode.InvalidNick, problem);
        return false;
    }

    private static string BannedText(Ban ban, long nowMs) =>
        $"You are banned from this server by {ban.By}{(ban.Reason.Length == 0 ? "." : $": {ban.Reason.TrimEnd('.')}.")}" +
        (ban.ExpiresMs is { } until ? $" The ban lapses in {Duration((uint)Math.Clamp((until - nowMs + 999) / 1000, 1, uint.MaxValue))}." : " The ban lasts until an operator lifts it.");

    private static string Because(string reason) => reason.Length == 0 ? "." : $": {reason}";

    /// <summary>A duration in the largest unit that divides it: 90 s, 10 min, 2 h, 3 d.</summary>
    internal static string Duration(uint seconds) => seconds switch
    {
        _ when seconds % 86400 == 0 => $"{seconds / 86400} d",
        _ when seconds % 3600 == 0 => $"{seconds / 3600} h",
        _ when seconds % 60 == 0 => $"{seconds / 60} min",
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
    };

    /// <summary>Cuts an event detail to the topic limit, the largest detail a RoomEvent carries, on a character boundary.</summary>
    private static string Fit(string detail)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(detail) <= ProtocolLimits.MaxTopicBytes) return detail;
        int chars = Math.Min(detail.Length, ProtocolLimits.MaxTopicBytes);
        while (System.Text.Encoding.UTF8.GetByteCount(detail.AsSpan(0, chars)) > ProtocolLimits.MaxTopicBytes) chars--;
        if (chars > 0 && char.IsHighSurrogate(detail[chars - 1])) chars--;
        return detail[..chars];
    }

    private static string Verb(ModerationAction action) => action switch
    {
        ModerationAction.Kick => "kick",
        ModerationAction.Ban => "ban",
        ModerationAction.Unban => "lift bans",
        ModerationAction.Mute or ModerationAction.Unmute => "mute and unmute",
        ModerationAction.Voice or ModerationAction.Devoice => "give and take voice",
        ModerationAction.Invite => "invite",
        _ => "change room modes",
    };
}
