using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A second real IRC client nobody here wrote: a bot on the python3-irc library (Debian's package of jaraco/irc),
/// on `termchat serve --irc-port`, talking with a TermChat client, in plaintext and over TLS with a client certificate.
/// </summary>
public sealed class PythonIrcEndToEndTests : IDisposable
{
    // The bot: says hello and acts once it is in #lobby, answers "ping bot", quits on "bye bot". It prints what it
    // hears, one line per event, for the test to read. Given a PEM file (certificate and key) it connects with TLS
    // and presents that certificate; it does not check the server's self-signed one.
    private const string Bot = """
        import ssl, sys, irc.client, irc.connection
        host, port, nick = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        pem = sys.argv[4] if len(sys.argv) > 4 else None
        def say(line):
            print(line, flush=True)
        def nick_of(e):
            # python3-irc 8.5 gives some events their source as a plain string.
            return irc.client.NickMask(str(e.source)).nick
        def on_welcome(c, e):
            say("WELCOME " + e.arguments[0])
        def on_join(c, e):
            if nick_of(e) == c.get_nickname():
                say("JOINED " + e.target)
                c.privmsg("#lobby", "hello from python")
                c.action("#lobby", "beeps")
        def on_pubmsg(c, e):
            say("PUBMSG %s %s %s" % (nick_of(e), e.target, e.arguments[0]))
            if e.arguments[0] == "ping bot":
                c.privmsg("#lobby", "pong from python")
            if e.arguments[0] == "bye bot":
                c.quit("done")
        def on_action(c, e):
            say("ACTION %s %s" % (nick_of(e), e.arguments[0]))
        def on_disconnect(c, e):
            say("DISCONNECTED")
            sys.exit(0)
        # Debian 12 ships python3-irc 8.5, where the reactor is still called IRC.
        reactor = (getattr(irc.client, "Reactor", None) or irc.client.IRC)()
        for name, handler in [("welcome", on_welcome), ("join", on_join), ("pubmsg", on_pubmsg), ("action", on_action), ("disconnect", on_disconnect)]:
            reactor.add_global_handler(name, handler)
        if pem:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.load_cert_chain(pem)
            reactor.server().connect(host, port, nick, connect_factory=irc.connection.Factory(wrapper=context.wrap_socket))
            say("TLS " + reactor.connections[0].socket.version())
        else:
            reactor.server().connect(host, port, nick)
        reactor.process_forever()
        """;

    private readonly string _script = Path.Combine(Path.GetTempPath(), $"termchat-ircbot-{Guid.NewGuid():N}.py");
    private readonly string _pem = Path.Combine(Path.GetTempPath(), $"termchat-ircbot-{Guid.NewGuid():N}.pem");
    private readonly List<string> _heard = [];
    private Process? _server;
    private Process? _bot;
    private Task<string>? _errors;

    public void Dispose()
    {
        if (_bot is not null) TermChatBinary.Stop(_bot);
        if (_server is not null) TermChatBinary.Stop(_server);
        File.Delete(_script);
        File.Delete(_pem);
    }

    /// <summary>Debian's python3, where python3-irc installs (a python3 earlier on PATH may be another one).</summary>
    internal static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    [PythonIrcFact]
    public async Task A_python_irc_bot_talks_with_a_termchat_user_and_quits()
    {
        int ircPort = TermChatBinary.ClosedLoopbackPort();
        (_server, int port) = await TermChatBinary.StartServerAsync("--ephemeral", "--no-discovery", "--name", "e2e", "--irc-port", ircPort.ToString(CultureInfo.InvariantCulture));
        await using var bob = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "bob");

        StartBot(ircPort);

        Assert.Equal("WELCOME Welcome to TermChat on e2e.termchat, pybot!pybot@termchat", await ExpectAsync("WELCOME"));
        Assert.Equal("JOINED #lobby", await ExpectAsync("JOINED"));
        var hello = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "pybot" });
        Assert.Equal((MessageKind.Say, "hello from python"), (hello.Kind, hello.Text));
        var beeps = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "pybot" });
        Assert.Equal((MessageKind.Action, "beeps"), (beeps.Kind, beeps.Text));

        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Action, "waves at the bot"));
        Assert.Equal("ACTION bob waves at the bot", await ExpectAsync("ACTION"));
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "ping bot"));
        Assert.Equal("PUBMSG bob #lobby ping bot", await ExpectAsync("PUBMSG"));
        var pong = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "pybot" });
        Assert.Equal("pong from python", pong.Text);

        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "bye bot"));
        var quit = (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "pybot" });
        Assert.Equal("Quit: done", quit.Detail);
        Assert.Equal("DISCONNECTED", await ExpectAsync("DISCONNECTED"));
    }

    [PythonIrcFact]
    public async Task A_python_irc_bot_over_tls_with_a_client_certificate_owns_its_nick()
    {
        int ircPort = TermChatBinary.ClosedLoopbackPort();
        (_server, int port) = await TermChatBinary.StartServerAsync("--ephemeral", "--no-discovery", "--name", "e2e", "--irc-port", ircPort.ToString(CultureInfo.InvariantCulture));
        await using var bob = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "bob");
        using var key = KeyFile.CreateEphemeral();
        File.WriteAllText(_pem, key.ExportCertificatePem() + "\n" + key.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");

        StartBot(ircPort, _pem);
        Assert.Equal("TLS TLSv1.3", await ExpectAsync("TLS"));
        await ExpectAsync("JOINED");
        Assert.Equal("hello from python", ((RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "pybot" })).Text);
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "bye bot"));
        await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "pybot" });

        // The bot's certificate key owns "pybot" now: a client without that key cannot take it.
        await bob.SendAsync(new ChangeNick("pybot"));
        var refused = (Error)await bob.ExpectAsync(m => m is Error);
        Assert.Equal(ErrorCode.NickOwned, refused.Code);
    }

    private void StartBot(int ircPort, string? pem = null)
    {
        File.WriteAllText(_script, Bot);
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { _script, "127.0.0.1", ircPort.ToString(CultureInfo.InvariantCulture), "pybot" }) info.ArgumentList.Add(arg);
        if (pem is not null) info.ArgumentList.Add(pem);
        _bot = Process.Start(info)!;
        _errors = _bot.StandardError.ReadToEndAsync();
    }

    /// <summary>Reads the bot's output up to the first line starting with <paramref name="prefix"/>.</summary>
    private async Task<string> ExpectAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await _bot!.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            _heard.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
        }
        throw new InvalidDataException($"the bot ended first:\n{string.Join("\n", _heard)}\n{await _errors!}");
    }
}
