using System.Globalization;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.History;

namespace TermChat.Server.Irc;

// The core's events for this session, as IRC lines.
internal sealed partial class IrcConnection
{
    public void Welcome(string nick, ResumeToken token, bool resumed)
    {
        _nick = nick;
        string server = _owner.ServerName;
        Numeric(IrcNumeric.Welcome, $"Welcome to TermChat on {server}, {Source(nick)}");
        Numeric(IrcNumeric.YourHost, $"Your host is {server}, running {IrcFrontEnd.Version}");
        Numeric(IrcNumeric.Created, $"This server was created {_owner.Created:yyyy-MM-dd HH:mm:ss} UTC");
        Numeric(IrcNumeric.MyInfo, server, IrcFrontEnd.Version, "i", "n");
        foreach (var tokens in _owner.ISupport.Chunk(12))
        {
            Numeric(IrcNumeric.ISupport, [.. tokens, "are supported by this server"]);
        }
        SendMotd();
    }

    /// <summary>The message of the day (--motd), one 372 per line, or 422 when there is none.</summary>
    public void SendMotd()
    {
        string motd = _owner.Motd;
        if (motd.Length == 0)
        {
            Numeric(IrcNumeric.NoMotd, "MOTD File is missing");
            return;
        }
        Numeric(IrcNumeric.MotdStart, $"- {_owner.ServerName} Message of the day -");
        foreach (string line in IrcText.Split(motd, 400))
        {
            Numeric(IrcNumeric.Motd, "- " + line);
        }
        Numeric(IrcNumeric.EndOfMotd, "End of /MOTD command.");
    }

    public void Joined(JoinedRoom room)
    {
        lock (_viewGate)
        {
            // IRC has no "joined again": a room the client is in is not announced twice.
            if (_channels.ContainsKey(room.Room)) return;
            _channels[room.Room] = new HashSet<string>(room.Members.Select(member => member.Nick), NameRules.NickComparer);
            foreach (var member in room.Members) _awayKnown[member.Nick] = member.Away;
        }
        Reply(IrcText.Line("", Source(_nick), "JOIN", room.Room));
        if (room.Topic.Length > 0)
        {
            Numeric(IrcNumeric.Topic, room.Room, room.Topic);
            if (room.TopicBy.Length > 0) Numeric(IrcNumeric.TopicWhoTime, room.Room, room.TopicBy, Seconds(room.TopicMs));
        }
        SendNames(room.Room, room.Members);
        Replay(room);
    }

    /// <summary>
    /// The room's recent messages: a <c>chathistory</c> batch for clients with <c>batch</c>, plain PRIVMSGs otherwise,
    /// each with its time as a <c>time</c> tag or, for clients without <c>server-time</c>, as a "[HH:mm UTC]" prefix.
    /// Only messages are replayed: joins, parts and nick changes of the past would change the client's idea of who is
    /// in the room now.
    /// </summary>
    private void Replay(JoinedRoom room)
    {
        var messages = room.History.Entries.Where(entry => !entry.IsEvent).ToList();
        if (messages.Count == 0) return;
        var caps = Caps;
        string? batch = caps.HasFlag(IrcCaps.Batch) ? NextBatchId() : null;
        if (batch is not null) Reply(IrcText.Line("", _owner.ServerName, "BATCH", "+" + batch, "chathistory", room.Room));
        bool stamped = caps.HasFlag(IrcCaps.ServerTime);
        foreach (var entry in messages)
        {
            string text = stamped ? entry.Text : $"[{DateTimeOffset.FromUnixTimeMilliseconds(entry.TimeMs).UtcDateTime:HH:mm} UTC] {entry.Text}";
            int bytes = SendText(Tags(entry.TimeMs, MessageId(entry), batch), Source(entry.Nick), "PRIVMSG", entry.Room, text,
                entry.MessageKind == MessageKind.Action);
            _owner.Stats.FrameOut(bytes);
        }
        if (batch is not null) Reply(IrcText.Line("", _owner.ServerName, "BATCH", "-" + batch));
    }

    public int Entry(RoomEntry entry)
    {
        if (!entry.IsEvent)
        {
            // Without echo-message a client shows its own message as it sends it; the echo is for those that asked.
            if (IsMe(entry.Nick) && !Caps.HasFlag(IrcCaps.EchoMessage)) return 0;
            // Built once per entry and tag variant, and shared by every IRC member of the room.
            return SendLines(_owner.MessageLines(entry, Caps));
        }
        string tags = Tags(entry.TimeMs);
        string source = Source(entry.Nick);
        switch (entry.EventKind)
        {
            case RoomEventKind.Join:
                lock (_viewGate)
                {
                    if (!_channels.TryGetValue(entry.Room, out var nicks) || !nicks.Add(entry.Nick)) return 0;
                    _awayKnown[entry.Nick] = "";
                }
                return Send(IrcText.Line(tags, source, "JOIN", entry.Room));
            case RoomEventKind.Part:
                lock (_viewGate)
                {
                    if (!_channels.TryGetValue(entry.Room, out var nicks) || !nicks.Remove(entry.Nick)) return 0;
                }
                return Send(entry.Text.Length > 0
                    ? IrcText.Line(tags, source, "PART", entry.Room, entry.Text)
                    : IrcText.Line(tags, source, "PART", entry.Room));
            case RoomEventKind.Quit:
                // The first of the user's rooms to report the quit tells the client, which forgets the user everywhere.
                lock (_viewGate)
                {
                    if (!_channels.TryGetValue(entry.Room, out var nicks) || !nicks.Contains(entry.Nick)) return 0;
                    foreach (var members in _channels.Values) members.Remove(entry.Nick);
                    _awayKnown.Remove(entry.Nick);
                }
                return Send(IrcText.Line(tags, source, "QUIT", entry.Text.Length > 0 ? entry.Text : "Quit"));
            case RoomEventKind.NickChange:
                return Renamed(entry.Room, entry.Nick, entry.Text) ? Send(IrcText.Line(tags, source, "NICK", entry.Text)) : 0;
            case RoomEventKind.Topic:
                return Send(IrcText.Line(tags, source, "TOPIC", entry.Room, entry.Text));
            case RoomEventKind.Away:
            case RoomEventKind.Back:
                if (!Caps.HasFlag(IrcCaps.AwayNotify) || IsMe(entry.Nick)) return 0;
                string away = entry.EventKind == RoomEventKind.Away ? entry.Text : "";
                lock (_viewGate)
                {
                    if (_awayKnown.TryGetValue(entry.Nick, out string? known) && known == away) return 0;
                    _awayKnown[entry.Nick] = away;
                }
                return Send(away.Length > 0 ? IrcText.Line(tags, source, "AWAY", away) : IrcText.Line(tags, source, "AWAY"));
            case RoomEventKind.Kick:
            case RoomEventKind.Ban:
                return Removed(entry, tags, source);
            default:
                return 0;
        }
    }

    /// <summary>
    /// A moderation event that takes a member out (its detail is the member's nick, a space, the reason): a kick is
    /// IRC's KICK from the operator, a ban the member's QUIT, so every IRC client's member list stays right.
    /// </summary>
    private int Removed(RoomEntry entry, string tags, string source)
    {
        int space = entry.Text.IndexOf(' ', StringComparison.Ordinal);
        string target = space < 0 ? entry.Text : entry.Text[..space];
        string reason = space < 0 ? "" : entry.Text[(space + 1)..];
        lock (_viewGate)
        {
            if (!_channels.TryGetValue(entry.Room, out var nicks) || !nicks.Contains(target)) return 0;
            if (entry.EventKind == RoomEventKind.Kick)
            {
                nicks.Remove(target);
            }
            else
            {
                foreach (var members in _channels.Values) members.Remove(target);
                _awayKnown.Remove(target);
            }
        }
        return entry.EventKind == RoomEventKind.Kick
            ? Send(IrcText.Line(tags, source, "KICK", entry.Room, target, reason.Length > 0 ? reason : entry.Nick))
            : Send(IrcText.Line(tags, Source(target), "QUIT", reason.Length > 0 ? $"Banned by {entry.Nick}: {reason}" : $"Banned by {entry.Nick}"));
    }

    /// <summary>
    /// Applies a nick change reported by <paramref name="room"/> to every channel; false when the client already knows
    /// it (another shared room reported it first, or it is this client's own change, told by <see cref="NickChanged"/>).
    /// </summary>
    private bool Renamed(string? room, string oldNick, string newNick)
    {
        lock (_viewGate)
        {
            if (room is not null && (!_channels.TryGetValue(room, out var nicks) || !nicks.Contains(oldNick))) return false;
            foreach (var members in _channels.Values)
            {
                if (members.Remove(oldNick)) members.Add(newNick);
            }
            if (_awayKnown.Remove(oldNick, out string? away)) _awayKnown[newNick] = away;
            return true;
        }
    }

    public void Parted(string room)
    {
        lock (_viewGate)
        {
            if (!_channels.Remove(room)) return;
        }
        Reply(IrcText.Line("", Source(_nick), "PART", room));
    }

    public void NickChanged(string oldNick, string newNick)
    {
        if (oldNick == newNick) return;
        _nick = newNick;
        Renamed(null, oldNick, newNick);
        Reply(IrcText.Line("", Source(oldNick), "NICK", newNick));
    }

    public void Private(PrivateLine line)
    {
        bool fromMe = IsMe(line.From);
        if (fromMe && !IsMe(line.To) && !Caps.HasFlag(IrcCaps.EchoMessage)) return;
        _owner.Stats.FrameOut(SendText(Tags(line.TimeMs), Source(line.From), "PRIVMSG", fromMe ? line.To : _nick, line.Text, action: false));
    }

    public void Notice(string text)
    {
        if (!SuppressNotice) ServerNotice(text);
    }

    public void Error(ErrorCode code, string text)
    {
        if (Quiet) return;
        string target = Target;
        switch (code)
        {
            case ErrorCode.NoSuchNick:
                Numeric(IrcNumeric.NoSuchNick, target, "No such nick/channel");
                break;
            case ErrorCode.NotInRoom when Command is "PRIVMSG" or "NOTICE":
                Numeric(IrcNumeric.CannotSendToChan, target, "Cannot send to channel (join it first)");
                break;
            case ErrorCode.NotInRoom:
                Numeric(IrcNumeric.NotOnChannel, target, "You're not on that channel");
                break;
            case ErrorCode.InvalidRoom when Command is "NAMES":
                Numeric(IrcNumeric.EndOfNames, target, "End of /NAMES list.");
                break;
            case ErrorCode.InvalidRoom:
                Numeric(IrcNumeric.NoSuchChannel, target, text);
                break;
            case ErrorCode.InvalidNick:
                Numeric(IrcNumeric.ErroneousNickname, target, text);
                break;
            case ErrorCode.NickInUse:
                Numeric(IrcNumeric.NicknameInUse, target, "Nickname is already in use");
                break;
            case ErrorCode.NickOwned:
                // An IRC client has no key to prove ownership with: a nick owned by a key is taken, as far as IRC goes.
                Numeric(IrcNumeric.NicknameInUse, target, text);
                break;
            case ErrorCode.NotAllowed when Command is "JOIN":
                Numeric(IrcNumeric.TooManyChannels, target, text);
                break;
            default:
                ServerNotice(text);
                break;
        }
    }

    public void Members(string room, IReadOnlyList<Member> members)
    {
        if (Command == "WHO")
        {
            foreach (var member in members)
            {
                Numeric(IrcNumeric.WhoReply, room, member.Nick, IrcFrontEnd.UserHost, _owner.ServerName, member.Nick,
                    member.Away.Length > 0 ? "G" : "H", "0 " + member.Nick);
            }
            Numeric(IrcNumeric.EndOfWho, Target, "End of /WHO list.");
            return;
        }
        SendNames(room, members);
    }

    /// <summary>353 lines of as many nicks as fit, then 366.</summary>
    private void SendNames(string room, IReadOnlyList<Member> members)
    {
        // ":server 353 nick = #room :" leaves this much of the 512 bytes for nicks.
        int budget = IrcText.MaxLineBytes - 16 - _owner.ServerName.Length - _nick.Length - room.Length;
        var line = new System.Text.StringBuilder();
        foreach (var member in members)
        {
            if (line.Length > 0 && line.Length + 1 + member.Nick.Length > budget)
            {
                Numeric(IrcNumeric.NamReply, "=", room, line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(member.Nick);
        }
        if (line.Length > 0) Numeric(IrcNumeric.NamReply, "=", room, line.ToString());
        Numeric(IrcNumeric.EndOfNames, room, "End of /NAMES list.");
    }

    public void Rooms(IReadOnlyList<RoomInfo> rooms)
    {
        Numeric(IrcNumeric.ListStart, "Channel", "Users  Name");
        foreach (var room in rooms)
        {
            Numeric(IrcNumeric.List, room.Name, room.Members.ToString(CultureInfo.InvariantCulture), room.Topic);
        }
        Numeric(IrcNumeric.ListEnd, "End of /LIST");
    }

    /// <summary>IRC has no history search; a search is never asked for on this front end.</summary>
    public void SearchResults(string room, string words, IReadOnlyList<RoomEntry> found)
    {
    }

    /// <summary>An IRC session has no resume token, so it is never resumed elsewhere; closing is all there is to do.</summary>
    public void Replaced(string reason)
    {
        Session = null;
        Close(null, reason);
    }

    private static string Seconds(long unixMs) => (unixMs / 1000).ToString(CultureInfo.InvariantCulture);

    /// <summary>A msgid unique on this server: room and seq.</summary>
    public static string MessageId(RoomEntry entry) => $"{entry.Room[1..]}-{entry.Seq.ToString(CultureInfo.InvariantCulture)}";
}
