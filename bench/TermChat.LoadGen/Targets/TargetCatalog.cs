namespace TermChat.LoadGen.Targets;

/// <summary>The targets <c>--target</c> accepts, with one-line descriptions for <c>--help</c>.</summary>
public static class TargetCatalog
{
    /// <summary>Target names and what each drives.</summary>
    public static IReadOnlyList<(string Name, string Description, int DefaultPort)> All { get; } =
    [
        ("termchat", "TermChat over TCP (any server mode): Hello, JoinRoom #bench, SendMessage / RoomMessage frames", 7777),
        ("termchat-tls", "TermChat over TLS 1.3 on the same TCP port: the same frames inside SslStream (the server's key is not pinned: the generator only measures)", 7777),
        ("termchat-udp", "TermChat over reliable UDP: the same frames carried by the datagram protocol (udp and connections scenarios)", 7777),
        ("termchat-udp-dtls", "TermChat over reliable UDP inside DTLS 1.2 (connections scenario; udp --dtls for the message rate)", 7777),
        ("irc", "an IRC server (ngircd, ircd-hybrid, inspircd): NICK/USER, JOIN #bench, PRIVMSG to the channel", 6667),
        ("nats", "a NATS server, text protocol: CONNECT, SUB bench, PUB bench / MSG", 4222),
        ("line", "a line relay such as `ncat --chat`: every line a client sends goes to every other client", 8888),
        ("echo", "a trivial echo server (bench/run-peers.sh starts one): the floor for ping-pong", 7800),
    ];

    /// <summary>Creates the target for <paramref name="name"/>, or returns false.</summary>
    public static bool TryCreate(string name, out BenchTarget target)
    {
        target = name switch
        {
            "termchat" => new TermChatTcpTarget(tls: false),
            "termchat-tls" => new TermChatTcpTarget(tls: true),
            "irc" => new IrcTarget(),
            "nats" => new NatsTarget(),
            "line" => new LineRelayTarget(),
            "echo" => new EchoTarget(),
            _ => null!,
        };
        return target is not null;
    }

    /// <summary>The default port of a target.</summary>
    public static int DefaultPort(string name) => All.FirstOrDefault(t => t.Name == name).DefaultPort is var port and > 0 ? port : 7777;
}
