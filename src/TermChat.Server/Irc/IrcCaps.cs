namespace TermChat.Server.Irc;

/// <summary>The IRCv3 capabilities the front end offers (CAP LS) and a connection has enabled (CAP REQ).</summary>
[Flags]
internal enum IrcCaps
{
    None = 0,
    /// <summary><c>server-time</c>: every line from the server carries a <c>time</c> tag.</summary>
    ServerTime = 1,
    /// <summary><c>message-tags</c>: tags in general, and a <c>msgid</c> on room messages.</summary>
    MessageTags = 2,
    /// <summary><c>echo-message</c>: the sender gets its own PRIVMSG back once the room (or peer) has it.</summary>
    EchoMessage = 4,
    /// <summary><c>batch</c>: the history replayed on join arrives as a <c>chathistory</c> batch.</summary>
    Batch = 8,
    /// <summary><c>away-notify</c>: members' AWAY changes arrive as AWAY lines.</summary>
    AwayNotify = 16,
    /// <summary><c>sasl</c>: AUTHENTICATE with EXTERNAL (the TLS client key) or PLAIN (the server password) before registration.</summary>
    Sasl = 32,
}
