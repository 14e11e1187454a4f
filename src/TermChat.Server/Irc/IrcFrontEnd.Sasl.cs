using System.Text;
using TermChat.Server.Core;

namespace TermChat.Server.Irc;

// SASL (IRCv3 sasl 3.1): AUTHENTICATE with EXTERNAL or PLAIN before registration. TermChat has no accounts: EXTERNAL
// proves the TLS client key (the identity nicks are owned by), PLAIN proves the server password.
internal sealed partial class IrcFrontEnd
{
    /// <summary>The mechanisms offered (CAP LS 302 <c>sasl=</c> and 908).</summary>
    private const string SaslMechanisms = "EXTERNAL,PLAIN";

    /// <summary>One AUTHENTICATE piece carries at most this many bytes of base64; exactly this many means more follow.</summary>
    private const int SaslChunkBytes = 400;

    /// <summary>The most base64 one exchange may send (a PLAIN with a long password fits many times over).</summary>
    private const int SaslMaxPayloadBytes = 4 * SaslChunkBytes;

    private void Authenticate(IrcConnection connection, IrcMessage message)
    {
        if (!connection.Caps.HasFlag(IrcCaps.Sasl))
        {
            SaslFail(connection, "AUTHENTICATE needs the sasl capability: CAP REQ :sasl first.");
            return;
        }
        if (!NeedParams(connection, message, 1)) return;
        string argument = message.Param(0);
        if (connection.Account is not null)
        {
            connection.Numeric(IrcNumeric.SaslAlready, "You have already authenticated using SASL");
            return;
        }
        if (connection.Session is not null)
        {
            SaslFail(connection, "SASL comes before registration; this connection is registered already.");
            return;
        }
        if (argument == "*")
        {
            SaslReset(connection);
            connection.Numeric(IrcNumeric.SaslAborted, "SASL authentication aborted");
            return;
        }
        if (connection.SaslMechanism is null)
        {
            string mechanism = argument.ToUpperInvariant();
            if (mechanism is not ("EXTERNAL" or "PLAIN"))
            {
                connection.Numeric(IrcNumeric.SaslMechs, SaslMechanisms, "are available SASL mechanisms");
                SaslFail(connection, "Unknown SASL mechanism; EXTERNAL (a TLS client certificate) and PLAIN (the server password) are offered.");
                return;
            }
            connection.SaslMechanism = mechanism;
            connection.Reply(IrcText.Line("", "", "AUTHENTICATE", "+"));
            return;
        }
        if (argument.Length > SaslChunkBytes || connection.SaslPayload.Length + argument.Length > SaslMaxPayloadBytes)
        {
            SaslReset(connection);
            connection.Numeric(IrcNumeric.SaslTooLong, "SASL message too long");
            return;
        }
        // "+" is an empty piece: an empty response, or the end of one whose length was a multiple of 400.
        if (argument != "+") connection.SaslPayload.Append(argument);
        if (argument.Length == SaslChunkBytes) return;

        string payload = connection.SaslPayload.ToString();
        string mechanismDone = connection.SaslMechanism;
        SaslReset(connection);
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(payload);
        }
        catch (FormatException)
        {
            SaslFail(connection, "The AUTHENTICATE response is not base64.");
            return;
        }
        if (mechanismDone == "EXTERNAL") SaslExternal(connection, decoded);
        else SaslPlain(connection, decoded);
    }

    /// <summary>EXTERNAL: the key of the TLS client certificate, checked by the TLS handshake, is who the client is.</summary>
    private void SaslExternal(IrcConnection connection, byte[] response)
    {
        if (connection.Link.KeyFingerprint is not { } key)
        {
            SaslFail(connection, "EXTERNAL needs a TLS client certificate, and this connection has none (irssi: -tls_cert).");
            return;
        }
        // The optional authorization identity may only name the key itself: there is nobody else to act as.
        string authzid = Encoding.UTF8.GetString(response);
        if (authzid.Length > 0 && authzid != key)
        {
            SaslFail(connection, $"EXTERNAL can only log in as your own key, {key}.");
            return;
        }
        SaslSucceed(connection, key);
    }

    /// <summary>PLAIN (RFC 4616): authzid NUL authcid NUL password; the password is the server's (--password).</summary>
    private void SaslPlain(IrcConnection connection, byte[] response)
    {
        string[] parts = Encoding.UTF8.GetString(response).Split('\0');
        if (parts.Length != 3 || !IsAccountName(parts[1]))
        {
            SaslFail(connection, "PLAIN wants authzid NUL authcid NUL password (base64); the name (authcid) has 1 to 64 characters, no spaces or controls.");
            return;
        }
        if (parts[0].Length > 0 && parts[0] != parts[1])
        {
            SaslFail(connection, "PLAIN cannot act for another name: leave the authzid empty or the same as the authcid.");
            return;
        }
        if (Options.Password is not { } required)
        {
            SaslFail(connection, "This server has no password, and TermChat has no accounts: PLAIN has nothing to check. Use EXTERNAL with a TLS client certificate, or no SASL.");
            return;
        }
        if (!ChatCore.PasswordMatches(required, parts[2]))
        {
            SaslFail(connection, "That is not this server's password.");
            return;
        }
        // The password passed: registration needs no PASS after this.
        connection.Password = parts[2];
        SaslSucceed(connection, parts[1]);
    }

    /// <summary>A name 900 can carry as a middle parameter and a terminal can show.</summary>
    private static bool IsAccountName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != ':' && !name.Any(c => c == ' ' || char.IsControl(c));

    private static void SaslSucceed(IrcConnection connection, string account)
    {
        connection.Account = account;
        connection.Numeric(IrcNumeric.LoggedIn, IrcConnection.Source(connection.RequestedNick ?? "*"), account, $"You are now logged in as {account}");
        connection.Numeric(IrcNumeric.SaslSuccess, "SASL authentication successful");
    }

    /// <summary>904 with the reason in a NOTICE first (904's own text is fixed); the connection stays, free to try again.</summary>
    private static void SaslFail(IrcConnection connection, string reason)
    {
        SaslReset(connection);
        connection.ServerNotice("SASL: " + reason);
        connection.Numeric(IrcNumeric.SaslFail, "SASL authentication failed");
    }

    private static void SaslReset(IrcConnection connection)
    {
        connection.SaslMechanism = null;
        connection.SaslPayload.Clear();
    }
}
