using System.Text;
using TermChat.Protocol;
using TermChat.Server.Core;

namespace TermChat.Server.Irc;

// Registration: NICK, USER, PASS and CAP negotiation, until the client is a member of the core.
internal sealed partial class IrcFrontEnd
{
    /// <summary>What CAP LS offers, with the value CAP LS 302 gives (the SASL mechanisms).</summary>
    private static readonly (string Name, IrcCaps Cap, string? Value)[] Offered =
    [
        ("server-time", IrcCaps.ServerTime, null),
        ("message-tags", IrcCaps.MessageTags, null),
        ("echo-message", IrcCaps.EchoMessage, null),
        ("batch", IrcCaps.Batch, null),
        ("away-notify", IrcCaps.AwayNotify, null),
        ("sasl", IrcCaps.Sasl, SaslMechanisms),
    ];

    /// <summary>NICK, USER and PASS before registration; registration completes once NICK and USER are in and CAP is over.</summary>
    private void Register(IrcConnection connection, IrcMessage message)
    {
        switch (message.Command)
        {
            case "PASS":
                // Checked at registration against --password; ignored when the server has none.
                connection.Password = message.Param(0);
                return;
            case "NICK":
                if (!NeedParams(connection, message, 1, IrcNumeric.NoNicknameGiven)) return;
                if (!NameRules.IsValidNick(message.Param(0), out string problem))
                {
                    connection.Numeric(IrcNumeric.ErroneousNickname, message.Param(0), problem);
                    return;
                }
                connection.RequestedNick = message.Param(0);
                break;
            case "USER":
                if (!NeedParams(connection, message, 4)) return;
                connection.HasUser = true;
                break;
            default:
                connection.Numeric(IrcNumeric.NotRegistered, "You have not registered");
                return;
        }
        TryRegister(connection);
    }

    private void TryRegister(IrcConnection connection)
    {
        if (connection.RequestedNick is not { } nick || !connection.HasUser || connection.CapNegotiating || connection.Session is not null) return;
        connection.Target = nick;
        // A TLS client certificate is the user's key, as for TermChat clients: it owns the nicks it is first to use,
        // with or without SASL EXTERNAL (which only reports it).
        var registration = Core.Register(connection, nick, ResumeToken.None, [], connection.Link.KeyFingerprint, connection.Address, connection.Password);
        if (registration.Wait is { } wait)
        {
            // The line that completed registration is offered again once the cluster has answered the nick claim.
            connection.Hold.Until(wait);
            return;
        }
        if (registration.Session is not { } session)
        {
            if (registration.Refusal is ErrorCode.BadPassword or ErrorCode.Banned)
            {
                // No other nick helps: the connection ends with the reason, as a TermChat client's does.
                connection.Close(registration.Refusal, registration.Problem);
                return;
            }
            // The client tries another NICK (irssi and weechat add an underscore); the connection stays.
            connection.RequestedNick = null;
            connection.Numeric(registration.Refusal is ErrorCode.NickInUse or ErrorCode.NickOwned ? IrcNumeric.NicknameInUse : IrcNumeric.ErroneousNickname,
                nick, registration.Problem);
            return;
        }
        connection.Session = session;
        Log.Registered(Logger, session.Nick, connection.Link.Remote, connection.Link.Id, false);
    }

    private void Cap(IrcConnection connection, IrcMessage message)
    {
        string sub = message.Param(0).ToUpperInvariant();
        switch (sub)
        {
            case "LS":
                if (connection.Session is null) connection.CapNegotiating = true;
                // CAP LS 302 (or later) gets the values: sasl=EXTERNAL,PLAIN.
                bool values = int.TryParse(message.Param(1), out int version) && version >= 302;
                connection.Reply(IrcText.Line("", ServerName, "CAP", connection.Nick, "LS",
                    string.Join(' ', Offered.Select(cap => values && cap.Value is { } value ? $"{cap.Name}={value}" : cap.Name))));
                return;
            case "LIST":
                connection.Reply(IrcText.Line("", ServerName, "CAP", connection.Nick, "LIST",
                    string.Join(' ', Offered.Where(cap => connection.Caps.HasFlag(cap.Cap)).Select(cap => cap.Name))));
                return;
            case "REQ":
                if (connection.Session is null) connection.CapNegotiating = true;
                string asked = message.Param(1);
                // All or nothing (IRCv3 capability negotiation): one unknown name refuses the whole request.
                var caps = connection.Caps;
                foreach (string name in asked.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    bool remove = name.StartsWith('-');
                    var found = Offered.FirstOrDefault(cap => cap.Name == name.TrimStart('-'));
                    if (found.Name is null)
                    {
                        connection.Reply(IrcText.Line("", ServerName, "CAP", connection.Nick, "NAK", asked));
                        return;
                    }
                    caps = remove ? caps & ~found.Cap : caps | found.Cap;
                }
                connection.Caps = caps;
                connection.Reply(IrcText.Line("", ServerName, "CAP", connection.Nick, "ACK", asked));
                return;
            case "END":
                connection.CapNegotiating = false;
                if (connection.SaslMechanism is not null)
                {
                    // Registration ends an unfinished exchange (IRCv3 sasl): the client registers without it.
                    SaslReset(connection);
                    connection.Numeric(IrcNumeric.SaslAborted, "SASL authentication aborted");
                }
                TryRegister(connection);
                return;
            default:
                connection.Numeric(IrcNumeric.InvalidCapCmd, message.Param(0), "Invalid CAP command");
                return;
        }
    }
}
