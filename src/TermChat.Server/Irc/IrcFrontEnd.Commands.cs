using System.Text;
using TermChat.Protocol;
using TermChat.Server.Core;

namespace TermChat.Server.Irc;

// IRC commands, turned into the core's commands and queries.
internal sealed partial class IrcFrontEnd
{
    /// <summary>Targets one PRIVMSG or NOTICE may name (005 MAXTARGETS).</summary>
    private const int MaxTargets = 4;

    private void Dispatch(IrcConnection connection, IrcMessage message)
    {
        connection.Command = message.Command;
        switch (message.Command)
        {
            case "CAP":
                Cap(connection, message);
                return;
            case "AUTHENTICATE":
                Authenticate(connection, message);
                return;
            case "PING":
                connection.Reply(IrcText.Line("", ServerName, "PONG", ServerName, message.Param(0)));
                return;
            case "PONG":
                return;
            case "QUIT":
                Quit(connection, message.Param(0));
                return;
        }
        if (connection.Session is not { } session)
        {
            Register(connection, message);
            return;
        }
        switch (message.Command)
        {
            case "NICK":
                if (!NeedParams(connection, message, 1, IrcNumeric.NoNicknameGiven)) return;
                connection.Target = message.Param(0);
                if (!NameRules.IsValidNick(message.Param(0), out string problem))
                {
                    connection.Numeric(IrcNumeric.ErroneousNickname, message.Param(0), problem);
                    return;
                }
                connection.Hold.Until(Core.ChangeNick(session, message.Param(0)));
                return;
            case "USER":
            case "PASS":
                connection.Numeric(IrcNumeric.AlreadyRegistered, "You may not reregister");
                return;
            case "JOIN":
                Join(connection, session, message);
                return;
            case "PART":
                if (!NeedParams(connection, message, 1)) return;
                foreach (string channel in Targets(message.Param(0)))
                {
                    if (!TryChannel(connection, channel, out string room)) continue;
                    connection.Target = room;
                    Core.Part(session, room, message.Param(1));
                }
                return;
            case "PRIVMSG":
            case "NOTICE":
                Message(connection, session, message);
                return;
            case "TOPIC":
                Topic(connection, session, message);
                return;
            case "NAMES":
                if (message.Params.Count == 0)
                {
                    connection.Numeric(IrcNumeric.EndOfNames, "*", "End of /NAMES list.");
                    return;
                }
                foreach (string channel in Targets(message.Param(0)))
                {
                    connection.Target = channel;
                    Core.ListMembers(session, channel);
                }
                return;
            case "LIST":
                Core.ListRooms(session);
                return;
            case "WHO":
                Who(connection, session, message.Param(0));
                return;
            case "WHOIS":
                if (!NeedParams(connection, message, 1, IrcNumeric.NoNicknameGiven)) return;
                // "WHOIS server nick" names the server first; the nick is the last parameter either way.
                Whois(connection, message.Params[^1]);
                return;
            case "ISON":
                IsOn(connection, message);
                return;
            case "USERHOST":
                UserHostReply(connection, message);
                return;
            case "AWAY":
                connection.SuppressNotice = true;
                Core.SetAway(session, message.Param(0));
                if (message.Param(0).Trim().Length == 0) connection.Numeric(IrcNumeric.UnAway, "You are no longer marked as being away");
                else connection.Numeric(IrcNumeric.NowAway, "You have been marked as being away");
                return;
            case "MODE":
                Mode(connection, message);
                return;
            case "MOTD":
                connection.SendMotd();
                return;
            case "VERSION":
                connection.Numeric(IrcNumeric.Version, Version, ServerName, "TermChat IRC front end");
                return;
            case "KICK":
                connection.Numeric(IrcNumeric.ChanOpPrivsNeeded, message.Param(0), "TermChat rooms have no operators");
                return;
            default:
                connection.Numeric(IrcNumeric.UnknownCommand, message.Command, "Unknown command");
                return;
        }
    }

    private void Quit(IrcConnection connection, string reason)
    {
        reason = reason.Length == 0 ? "Quit" : "Quit: " + reason;
        if (connection.Session is { } session)
        {
            connection.Session = null;
            Core.Quit(session, reason);
        }
        connection.Close(null, reason);
    }

    private void Join(IrcConnection connection, CoreSession session, IrcMessage message)
    {
        if (!NeedParams(connection, message, 1)) return;
        if (message.Param(0) == "0")
        {
            // "JOIN 0" leaves every channel (RFC 2812 section 3.2.1).
            foreach (string room in connection.Channels()) Core.Part(session, room, "");
            return;
        }
        foreach (string channel in Targets(message.Param(0)))
        {
            if (!TryChannel(connection, channel, out string room)) continue;
            if (connection.IsIn(room)) continue;
            connection.Target = room;
            Core.Join(session, room);
        }
    }

    private void Message(IrcConnection connection, CoreSession session, IrcMessage message)
    {
        // NOTICE never gets an automatic reply (RFC 1459 section 4.4.2), errors included.
        bool notice = message.Command == "NOTICE";
        if (message.Params.Count == 0)
        {
            if (!notice) connection.Numeric(IrcNumeric.NoRecipient, $"No recipient given ({message.Command})");
            return;
        }
        string text = message.Param(1);
        if (text.Length == 0)
        {
            if (!notice) connection.Numeric(IrcNumeric.NoTextToSend, "No text to send");
            return;
        }
        var kind = MessageKind.Say;
        if (text[0] == IrcText.Ctcp)
        {
            // CTCP: ACTION (/me) is a TermChat action; other requests (VERSION, PING, ...) and every CTCP reply have
            // no TermChat meaning and are dropped.
            if (notice || !IrcText.TryAction(text, out text)) return;
            if (text.Trim().Length == 0) return;
            kind = MessageKind.Action;
        }
        var targets = Targets(message.Param(0));
        if (targets.Count > MaxTargets)
        {
            if (!notice) connection.Numeric(IrcNumeric.TooManyTargets, message.Param(0), $"Too many recipients (at most {MaxTargets})");
            return;
        }
        foreach (string target in targets)
        {
            connection.Target = target;
            if (target.StartsWith('#'))
            {
                if (!NameRules.TryNormalizeRoom(target, out string room, out _))
                {
                    if (!notice) connection.Numeric(IrcNumeric.NoSuchChannel, target, "No such channel");
                    continue;
                }
                connection.Target = room;
                if (notice) connection.SuppressErrors();
                Core.Say(session, room, kind, text);
            }
            else if (kind == MessageKind.Action)
            {
                // TermChat's /me works in rooms only; a private action would reach TermChat users as raw CTCP bytes.
                connection.ServerNotice($"/me to {target} was not sent: TermChat has actions in rooms only.");
            }
            else
            {
                if (notice) connection.SuppressErrors();
                Core.Private(session, target, text);
            }
        }
    }

    private void Topic(IrcConnection connection, CoreSession session, IrcMessage message)
    {
        if (!NeedParams(connection, message, 1)) return;
        if (!TryChannel(connection, message.Param(0), out string room)) return;
        connection.Target = room;
        if (message.Params.Count >= 2)
        {
            string topic = message.Param(1);
            if (Encoding.UTF8.GetByteCount(topic) > ProtocolLimits.MaxTopicBytes)
            {
                // Refused, not cut: a topic arrives whole or not at all (005 TOPICLEN says the limit).
                connection.ServerNotice($"The topic was not set: it is longer than {ProtocolLimits.MaxTopicBytes} bytes.");
                return;
            }
            Core.SetTopic(session, room, topic);
            return;
        }
        if (Core.TopicOf(room) is not { } found)
        {
            connection.Numeric(IrcNumeric.NoSuchChannel, room, "No such channel");
        }
        else if (found.Topic.Length == 0)
        {
            connection.Numeric(IrcNumeric.NoTopic, room, "No topic is set");
        }
        else
        {
            connection.Numeric(IrcNumeric.Topic, room, found.Topic);
            if (found.SetBy.Length > 0) connection.Numeric(IrcNumeric.TopicWhoTime, room, found.SetBy, Number(found.SetMs / 1000));
        }
    }

    private void Who(IrcConnection connection, CoreSession session, string mask)
    {
        connection.Target = mask.Length == 0 ? "*" : mask;
        if (mask.StartsWith('#'))
        {
            if (NameRules.TryNormalizeRoom(mask, out string room, out _) && Core.TopicOf(room) is not null)
            {
                Core.ListMembers(session, room);
                return;
            }
        }
        else if (mask.Length > 0 && Core.FindUser(mask) is { } user)
        {
            connection.Numeric(IrcNumeric.WhoReply, user.Rooms.Count > 0 ? user.Rooms[^1] : "*", user.Nick, UserHost, ServerName, user.Nick,
                user.Away.Length > 0 ? "G" : "H", "0 " + user.Nick);
        }
        connection.Numeric(IrcNumeric.EndOfWho, connection.Target, "End of /WHO list.");
    }

    private void Whois(IrcConnection connection, string nick)
    {
        if (Core.FindUser(nick) is not { } user)
        {
            connection.Numeric(IrcNumeric.NoSuchNick, nick, "No such nick/channel");
            connection.Numeric(IrcNumeric.EndOfWhois, nick, "End of /WHOIS list.");
            return;
        }
        connection.Numeric(IrcNumeric.WhoisUser, user.Nick, user.Nick, UserHost, "*", user.Nick);
        if (user.Rooms.Count > 0) connection.Numeric(IrcNumeric.WhoisChannels, user.Nick, string.Join(' ', user.Rooms));
        connection.Numeric(IrcNumeric.WhoisServer, user.Nick, ServerName, user.Detached ? "TermChat (connection lost, waiting for resume)" : "TermChat");
        if (user.Away.Length > 0) connection.Numeric(IrcNumeric.Away, user.Nick, user.Away);
        connection.Numeric(IrcNumeric.EndOfWhois, user.Nick, "End of /WHOIS list.");
    }

    private void IsOn(IrcConnection connection, IrcMessage message)
    {
        var online = message.Params.SelectMany(param => param.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(nick => Core.FindUser(nick)?.Nick)
            .OfType<string>()
            .Take(32);
        connection.Numeric(IrcNumeric.IsOn, string.Join(' ', online));
    }

    private void UserHostReply(IrcConnection connection, IrcMessage message)
    {
        var replies = message.Params.Take(5)
            .Select(nick => Core.FindUser(nick))
            .OfType<UserInfo>()
            .Select(user => $"{user.Nick}={(user.Away.Length > 0 ? '-' : '+')}{user.Nick}@{UserHost}");
        connection.Numeric(IrcNumeric.UserHost, string.Join(' ', replies));
    }

    /// <summary>
    /// MODE answers the queries clients send after joining, and refuses changes: TermChat rooms have no modes beyond
    /// "+n" (only members may talk), and users none beyond "+i" (nobody is listed by host).
    /// </summary>
    private void Mode(IrcConnection connection, IrcMessage message)
    {
        if (!NeedParams(connection, message, 1)) return;
        string target = message.Param(0);
        if (target.StartsWith('#'))
        {
            if (!NameRules.TryNormalizeRoom(target, out string room, out _) || Core.TopicOf(room) is null)
            {
                connection.Numeric(IrcNumeric.NoSuchChannel, target, "No such channel");
            }
            else if (message.Params.Count == 1)
            {
                connection.Numeric(IrcNumeric.ChannelModeIs, room, "+n");
            }
            else if (message.Param(1).TrimStart('+', '-') is "b" or "e" or "I" && message.Params.Count == 2)
            {
                connection.Numeric(IrcNumeric.EndOfBanList, room, "End of channel ban list");
            }
            else
            {
                connection.Numeric(IrcNumeric.ChanOpPrivsNeeded, room, "TermChat rooms have no operators or modes");
            }
            return;
        }
        if (!NameRules.NickComparer.Equals(target, connection.Nick))
        {
            connection.Numeric(IrcNumeric.UsersDontMatch, "Can't change mode for other users");
        }
        else if (message.Params.Count == 1)
        {
            connection.Numeric(IrcNumeric.UModeIs, "+i");
        }
        else if (message.Param(1).Trim('+', '-', 'i').Length > 0)
        {
            connection.Numeric(IrcNumeric.UModeUnknownFlag, "Unknown MODE flag");
        }
        else
        {
            // +i is always on: the answer says so, as servers answer a mode that was already set.
            connection.Reply(IrcText.Line("", IrcConnection.Source(connection.Nick), "MODE", connection.Nick, "+i"));
        }
    }

    /// <summary>Checks a channel name against TermChat's room rules; a name that breaks them gets 479 with the rule.</summary>
    private static bool TryChannel(IrcConnection connection, string channel, out string room)
    {
        if (NameRules.TryNormalizeRoom(channel, out room, out string problem)) return true;
        connection.Numeric(IrcNumeric.BadChannelName, channel, problem);
        return false;
    }

    private static bool NeedParams(IrcConnection connection, IrcMessage message, int count, string numeric = IrcNumeric.NeedMoreParams)
    {
        if (message.Params.Count >= count && message.Params.Take(count).All(param => param.Length > 0)) return true;
        if (numeric == IrcNumeric.NeedMoreParams) connection.Numeric(numeric, message.Command, "Not enough parameters");
        else connection.Numeric(numeric, "No nickname given");
        return false;
    }

    private static List<string> Targets(string list) => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries)];
}
