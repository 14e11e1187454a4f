using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.TestKit.Irc;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.LineMode;

/// <summary>The nc/telnet line mode over real sockets in every mode; what a terminal user types is sent as bytes.</summary>
public sealed class LineModeTests
{
    private static Task<TestServer> StartAsync(ServerMode mode, Action<ServerOptions>? configure = null) =>
        TestServer.StartAsync(mode, options =>
        {
            options.LinePort = 0;
            options.FloodRate = 0;
            configure?.Invoke(options);
        });

    private static System.Net.IPEndPoint LineEndPoint(TestServer server) => new(System.Net.IPAddress.Loopback, server.Server.LineEndPoint!.Port);

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_line_user_refused_by_a_full_server_is_told_at_once_without_typing_anything(ServerMode mode)
    {
        await using var server = await StartAsync(mode, o => o.MaxClients = 1);
        await using var bob = await server.ConnectAsync("bob");

        // The line mode speaks first, so its refusal does not wait for the user's first byte as a TLS-capable port's does.
        using var line = await IrcPeer.ConnectAsync(LineEndPoint(server));
        var said = await line.ReadToEndAsync();

        Assert.StartsWith("-!- closing: ", Assert.Single(said), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_line_user_picks_a_nick_and_chats_with_termchat_users_one_line_per_event(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var bob = await server.ConnectAsync("bob");
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "earlier"));
        using var line = await IrcPeer.ConnectAsync(LineEndPoint(server));
        Assert.Equal("TermChat on test (line mode). Your nick?", await line.ReadLineAsync());
        await line.SendAsync("bob\r\n");
        Assert.StartsWith("!!! The nick bob is in use", await line.ReadLineAsync());
        await line.SendAsync("carol\n");
        Assert.StartsWith("-!- welcome to test, you are carol.", await line.ReadLineAsync());
        Assert.Equal("-!- you joined #lobby (2 members); lines you type go there now", await line.ReadLineAsync());
        Assert.Matches(@"^\[\d\d:\d\d\] #lobby <bob> earlier$", await line.ReadLineAsync());

        await line.SendAsync("hello from nc\n/me waves\n");
        var said = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "carol" });
        Assert.Equal((MessageKind.Say, "hello from nc"), (said.Kind, said.Text));
        var acted = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "carol" });
        Assert.Equal((MessageKind.Action, "waves"), (acted.Kind, acted.Text));

        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "hi carol"));
        await bob.SendAsync(new SendPrivate("carol", "psst"));
        Assert.Matches(@"^\[\d\d:\d\d\] #lobby <bob> hi carol$", await line.ExpectAsync(l => l.Contains("hi carol")));
        Assert.Matches(@"^\[\d\d:\d\d\] \*bob\* psst$", await line.ExpectAsync(l => l.Contains("psst")));

        await line.SendAsync("/msg bob back\n/join #dev\nin dev\n/who\n/nick carola\n/quit see you\n");
        var pm = (Protocol.Messages.PrivateMessage)await bob.ExpectAsync(m => m is Protocol.Messages.PrivateMessage { From: "carol" });
        Assert.Equal("back", pm.Text);
        var rest = await line.ReadToEndAsync();
        Assert.Contains("-!- you joined #dev (1 member); lines you type go there now", rest);
        Assert.Contains("-!- #dev: carol", rest);
        Assert.Contains("-!- you are now known as carola", rest);
        Assert.Equal("-!- closing: goodbye", rest[^1]);
        var quit = (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit });
        Assert.Equal(("carola", "see you"), (quit.Nick, quit.Detail));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Escape_sequences_from_others_never_reach_the_line_users_terminal(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var line = await IrcPeer.ConnectAsync(LineEndPoint(server));
        await line.SendAsync("carol\n");
        await line.ExpectAsync(l => l.StartsWith("-!- you joined", StringComparison.Ordinal));
        await using var evil = await server.ConnectAsync("evil");
        await evil.SendAsync(new SendMessage("#lobby", MessageKind.Say, "\u001b[2J\u001b]0;pwned\u0007clear\u009b31m red\r\nsecond line\u202e"));
        await evil.SendAsync(new SetTopic("#lobby", "\u001b[5mblink"));
        string said = await line.ExpectAsync(l => l.Contains("<evil>"));
        Assert.Matches(@"^\[\d\d:\d\d\] #lobby <evil> clear red second line$", said);
        Assert.EndsWith("evil set the topic: blink", await line.ExpectAsync(l => l.Contains("topic")));
        foreach (byte[] raw in line.RawLines)
        {
            // Nothing a terminal would act on: no ESC, no C0 control but the final CR LF, no C1 (U+0080-U+009F).
            Assert.DoesNotContain(raw[..^2], b => b < 0x20 || b == 0x7F);
            Assert.DoesNotContain("\u009b", Encoding.UTF8.GetString(raw));
        }
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Telnet_negotiation_bytes_are_filtered_out_even_split_across_reads(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var bob = await server.ConnectAsync("bob");
        using var line = await IrcPeer.ConnectAsync(LineEndPoint(server));
        await line.ReadLineAsync();
        // What telnet sends first: IAC DO SUPPRESS-GO-AHEAD, IAC WILL TERMINAL-TYPE, a subnegotiation, then the nick,
        // with a sequence cut in the middle; later a literal 0xFF doubled (IAC IAC) inside Latin-1 text.
        await line.SendBytesAsync([255, 253, 3, 255, 251, 24, 255]);
        await line.SendBytesAsync([250, 24, 0, .. "XTERM"u8, 255, 240, .. "telnetter\r\n"u8]);
        Assert.StartsWith("-!- welcome to test, you are telnetter.", await line.ExpectAsync(l => l.StartsWith("-!- welcome", StringComparison.Ordinal)));
        await line.SendBytesAsync([.. "y"u8, 255, 255, .. " caf"u8, 0xE9, (byte)'\r', (byte)'\n']);
        var said = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "telnetter" });
        Assert.Equal("y\u00ff caf\u00e9", said.Text);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task An_overlong_line_is_refused_with_one_line_and_the_connection_goes_on(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var line = await IrcPeer.ConnectAsync(LineEndPoint(server));
        await line.SendAsync("carol\n" + new string('x', ProtocolLimits.MaxTextBytes + 100) + "\n/help\n");
        Assert.Equal($"!!! that line was longer than {ProtocolLimits.MaxTextBytes} bytes and was not sent", await line.ExpectAsync(l => l.StartsWith("!!!", StringComparison.Ordinal)));
        Assert.StartsWith("-!- commands:", await line.ExpectAsync(l => l.StartsWith("-!- commands", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task On_a_server_with_a_password_the_line_user_is_asked_for_it_after_the_nick_and_three_wrong_ones_close(ServerMode mode)
    {
        await using var server = await StartAsync(mode, o => o.Password = "open sesame");
        using (var line = await IrcPeer.ConnectAsync(LineEndPoint(server)))
        {
            await line.ReadLineAsync();
            await line.SendAsync("carol\n");
            Assert.Equal("This server has a password (it shows as you type). Password?", await line.ReadLineAsync());
            await line.SendAsync("guess\n");
            Assert.Equal("!!! That is not this server's password. Your nick?", await line.ReadLineAsync());
            // A password may hold spaces: the line is taken as typed.
            await line.SendAsync("carol\nopen sesame\n");
            await line.ReadLineAsync();
            Assert.StartsWith("-!- welcome to test, you are carol.", await line.ReadLineAsync());
        }

        using var guesser = await IrcPeer.ConnectAsync(LineEndPoint(server));
        await guesser.SendAsync("mallory\none\nmallory\ntwo\nmallory\nthree\nmallory\n");
        var said = await guesser.ReadToEndAsync();
        Assert.Equal(2, said.Count(l => l == "!!! That is not this server's password. Your nick?"));
        Assert.Equal("-!- closing: 3 wrong passwords", said[^1]);
        Assert.DoesNotContain(said, l => l.StartsWith("-!- welcome", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task An_address_ban_holds_on_the_line_port_too(ServerMode mode)
    {
        using var opKey = KeyFile.CreateEphemeral();
        await using var server = await StartAsync(mode, o => o.Operators.Add(KeyFingerprint.Of(opKey)));
        await using var op = await TestChatClient.ConnectTlsAsync(server.EndPoint, "boss", opKey);
        await op.SendAsync(new Moderate(ModerationAction.Ban, "", "127.0.0.2", 0, "abuse"));
        await op.ExpectAsync(m => m is Notice { Text: "Banned 127.0.0.2 until lifted." });

        using var banned = await IrcPeer.ConnectAsync(LineEndPoint(server), from: System.Net.IPAddress.Parse("127.0.0.2"));
        await banned.ReadLineAsync();
        await banned.SendAsync("carol\n");
        Assert.Equal("!!! You are banned from this server by boss: abuse. The ban lasts until an operator lifts it. Your nick?", await banned.ReadLineAsync());
        using var other = await IrcPeer.ConnectAsync(LineEndPoint(server));
        await other.ReadLineAsync();
        await other.SendAsync("carol\n");
        Assert.StartsWith("-!- welcome to test, you are carol.", await other.ReadLineAsync());
    }
}
