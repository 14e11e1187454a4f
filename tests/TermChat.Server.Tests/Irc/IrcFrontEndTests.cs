using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Irc;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Irc;

/// <summary>The IRC front end over real sockets in every mode: lines are built by hand, as an IRC client sends them.</summary>
public sealed class IrcFrontEndTests
{
    // Flood control is off here: these tests send many commands at once; IrcHostileInputTests covers it.
    internal static Task<TestServer> StartAsync(ServerMode mode, Action<ServerOptions>? configure = null) =>
        TestServer.StartAsync(mode, options =>
        {
            options.IrcPort = 0;
            options.FloodRate = 0;
            configure?.Invoke(options);
        });

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Registration_sends_the_welcome_numerics_with_isupport_and_joins_the_lobby(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await irc.SendAsync("CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :Alice A\r\n");
        var caps = await irc.ExpectAsync(line => line.Contains(" CAP * LS "));
        Assert.Equal(":test.termchat CAP * LS :server-time message-tags echo-message batch away-notify sasl=EXTERNAL,PLAIN", caps);
        await irc.SendAsync("CAP REQ :server-time bogus\r\n");
        Assert.Equal(":test.termchat CAP * NAK :server-time bogus", await irc.ExpectAsync(line => line.Contains(" CAP ")));
        await irc.SendAsync("CAP END\r\n");

        var burst = await irc.CollectUntilAsync(line => IrcPeer.Numeric(line) == "366");
        Assert.Equal(":test.termchat 001 alice :Welcome to TermChat on test.termchat, alice!alice@termchat", burst[0]);
        Assert.Equal(["001", "002", "003", "004", "005", "422", "JOIN", "353", "366"], burst.Select(IrcPeer.Numeric).ToArray());
        string isupport = burst.Single(line => IrcPeer.Numeric(line) == "005");
        foreach (string token in new[] { "CASEMAPPING=ascii", "CHANTYPES=#", "NICKLEN=24", "CHANNELLEN=32", "PREFIX=", "CHANMODES=,,,n" })
        {
            Assert.Contains($" {token} ", isupport);
        }
        Assert.EndsWith(":are supported by this server", isupport);
        Assert.Equal(":alice!alice@termchat JOIN #lobby", burst[6]);
        Assert.Equal(":test.termchat 353 alice = #lobby :alice", burst[7]);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_server_password_is_given_with_pass_and_a_wrong_one_ends_the_connection_with_the_reason(ServerMode mode)
    {
        await using var server = await StartAsync(mode, o => o.Password = "letmein");
        using var wrong = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await wrong.SendAsync("PASS guess\r\nNICK mallory\r\nUSER mallory 0 * :M\r\n");
        var ended = await wrong.ReadToEndAsync();
        Assert.Equal("ERROR :Closing Link: That is not this server's password.", ended[^1]);

        using var right = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await right.SendAsync("PASS letmein\r\nNICK alice\r\nUSER alice 0 * :A\r\n");
        Assert.StartsWith(":test.termchat 001 alice ", await right.ExpectAsync(line => IrcPeer.Numeric(line) == "001"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Irc_and_termchat_users_talk_both_ways_with_actions(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
        await using var bob = await server.ConnectAsync("bob");
        await irc.ExpectAsync(line => line == ":bob!bob@termchat JOIN #lobby");

        await irc.SendAsync("PRIVMSG #lobby :hello from irc\r\nPRIVMSG #lobby :\u0001ACTION waves\u0001\r\n");
        var said = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal(("ircuser", MessageKind.Say, "hello from irc"), (said.From, said.Kind, said.Text));
        var acted = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal(("ircuser", MessageKind.Action, "waves"), (acted.From, acted.Kind, acted.Text));

        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "hi from termchat"));
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Action, "nods"));
        Assert.Equal(":bob!bob@termchat PRIVMSG #lobby :hi from termchat", await irc.ExpectAsync(line => line.Contains("PRIVMSG")));
        Assert.Equal(":bob!bob@termchat PRIVMSG #lobby :\u0001ACTION nods\u0001", await irc.ExpectAsync(line => line.Contains("PRIVMSG")));

        // Private messages both ways.
        await irc.SendAsync("PRIVMSG bob :psst\r\n");
        var pm = await bob.ExpectAsync(m => m is Protocol.Messages.PrivateMessage);
        Assert.Equal("psst", ((Protocol.Messages.PrivateMessage)pm).Text);
        await bob.SendAsync(new SendPrivate("ircuser", "back at you"));
        Assert.Equal(":bob!bob@termchat PRIVMSG ircuser :back at you", await irc.ExpectAsync(line => line.Contains("PRIVMSG")));

        // Without echo-message the IRC user never gets its own lines back.
        Assert.DoesNotContain(irc.Received, line => line.StartsWith(":ircuser!", StringComparison.Ordinal) && line.Contains("PRIVMSG"));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task One_message_reaches_irc_clients_with_the_tags_each_one_negotiated(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var tagged = await IrcPeer.RegisterAsync(server.IrcEndPoint, "tagged", "server-time message-tags");
        using var timed = await IrcPeer.RegisterAsync(server.IrcEndPoint, "timed", "server-time");
        using var plain = await IrcPeer.RegisterAsync(server.IrcEndPoint, "plain");
        using var echoed = await IrcPeer.RegisterAsync(server.IrcEndPoint, "echoed", "echo-message message-tags");
        await using var bob = await server.ConnectAsync("bob");
        foreach (var peer in new[] { tagged, timed, plain, echoed }) await peer.ExpectAsync(line => line.Contains(":bob!bob@termchat JOIN"));

        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "one for all"));
        var said = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        string id = $"msgid=lobby-{said.Seq}";
        Assert.Matches($@"^@time=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z;{id} :bob!bob@termchat PRIVMSG #lobby :one for all$",
            await tagged.ExpectAsync(line => line.Contains("PRIVMSG")));
        Assert.Matches(@"^@time=[^; ]+ :bob!bob@termchat PRIVMSG #lobby :one for all$", await timed.ExpectAsync(line => line.Contains("PRIVMSG")));
        Assert.Equal(":bob!bob@termchat PRIVMSG #lobby :one for all", await plain.ExpectAsync(line => line.Contains("PRIVMSG")));
        Assert.Equal($"@{id} :bob!bob@termchat PRIVMSG #lobby :one for all", await echoed.ExpectAsync(line => line.Contains("PRIVMSG")));

        // The sender with echo-message gets its own line back with the tags it asked for; one without does not.
        await echoed.SendAsync("PRIVMSG #lobby :echo me\r\n");
        Assert.Matches(@"^@msgid=lobby-\d+ :echoed!echoed@termchat PRIVMSG #lobby :echo me$", await echoed.ExpectAsync(line => line.Contains("echo me")));
        await plain.SendAsync("PRIVMSG #lobby :no echo\r\n");
        Assert.EndsWith(" :plain!plain@termchat PRIVMSG #lobby :no echo", await tagged.ExpectAsync(line => line.Contains("no echo")), StringComparison.Ordinal);
        Assert.DoesNotContain(await plain.BarrierAsync(), line => line.Contains("no echo"));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Topic_names_who_and_whois_answer_with_their_numerics(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
        await using var bob = await server.ConnectAsync("bob");
        await bob.SendAsync(new JoinRoom("#dev"));
        await bob.SendAsync(new SetTopic("#dev", "shipping irc"));
        await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Topic });

        await irc.SendAsync("JOIN #Dev\r\n");
        var join = await irc.CollectUntilAsync(line => IrcPeer.Numeric(line) == "366");
        Assert.Equal(":ircuser!ircuser@termchat JOIN #dev", join[^5]);
        Assert.Equal(":test.termchat 332 ircuser #dev :shipping irc", join[^4]);
        Assert.Matches(@"^:test\.termchat 333 ircuser #dev bob \d+$", join[^3]);
        Assert.Equal(":test.termchat 353 ircuser = #dev :bob ircuser", join[^2]);

        await irc.SendAsync("TOPIC #dev :now with topics\r\n");
        Assert.Equal(":ircuser!ircuser@termchat TOPIC #dev :now with topics", await irc.ExpectAsync(line => line.Contains(" TOPIC ")));
        var topic = (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Topic, Nick: "ircuser" });
        Assert.Equal("now with topics", topic.Detail);

        await irc.SendAsync("NAMES #dev\r\nWHO #dev\r\nWHOIS bob\r\nWHOIS nobody\r\nMODE #dev\r\nMODE #dev b\r\nMODE #dev +o bob\r\nMODE ircuser +i\r\n");
        var answers = await irc.BarrierAsync();
        Assert.Equal(
        [
            ":test.termchat 353 ircuser = #dev :bob ircuser",
            ":test.termchat 366 ircuser #dev :End of /NAMES list.",
            ":test.termchat 352 ircuser #dev bob termchat test.termchat bob H :0 bob",
            ":test.termchat 352 ircuser #dev ircuser termchat test.termchat ircuser H :0 ircuser",
            ":test.termchat 315 ircuser #dev :End of /WHO list.",
            ":test.termchat 311 ircuser bob bob termchat * :bob",
            ":test.termchat 319 ircuser bob :#lobby #dev",
            ":test.termchat 312 ircuser bob test.termchat :TermChat",
            ":test.termchat 318 ircuser bob :End of /WHOIS list.",
            ":test.termchat 401 ircuser nobody :No such nick/channel",
            ":test.termchat 318 ircuser nobody :End of /WHOIS list.",
            ":test.termchat 324 ircuser #dev +n",
            ":test.termchat 368 ircuser #dev :End of channel ban list",
            ":test.termchat 482 ircuser #dev :TermChat rooms have no operators or modes",
            ":ircuser!ircuser@termchat MODE ircuser +i",
        ], answers);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Away_part_nick_and_quit_reach_termchat_users_and_back(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var bob = await server.ConnectAsync("bob");
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser", "away-notify");
        await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "ircuser" });

        await irc.SendAsync("AWAY :lunch\r\n");
        Assert.Equal(":test.termchat 306 ircuser :You have been marked as being away", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "306"));
        var away = (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Away });
        Assert.Equal(("ircuser", "lunch"), (away.Nick, away.Detail));

        await bob.SendAsync(new SetAway("meeting"));
        Assert.Equal(":bob!bob@termchat AWAY :meeting", await irc.ExpectAsync(line => line.Contains(" AWAY ")));
        await irc.SendAsync("WHOIS bob\r\n");
        Assert.Equal(":test.termchat 301 ircuser bob :meeting", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "301"));

        // bob's nick change reaches two shared rooms; the IRC client is told once.
        await irc.SendAsync("JOIN #dev\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "366");
        await bob.SendAsync(new JoinRoom("#dev"));
        await irc.ExpectAsync(line => line == ":bob!bob@termchat JOIN #dev");
        await bob.SendAsync(new ChangeNick("robert"));
        await bob.SendAsync(new PartRoom("#dev", "bye dev"));
        var lines = await irc.CollectUntilAsync(line => line.Contains(" PART "));
        Assert.Equal([":bob!bob@termchat NICK :robert", ":robert!robert@termchat PART #dev :bye dev"],
            lines.Where(line => line.Contains(" NICK ") || line.Contains(" PART ")).ToArray());

        await irc.SendAsync("NICK ircuser2\r\n");
        Assert.Equal(":ircuser!ircuser@termchat NICK :ircuser2", await irc.ExpectAsync(line => line.Contains(" NICK ")));
        var renamed = (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.NickChange, Nick: "ircuser" });
        Assert.Equal(("ircuser", "ircuser2"), (renamed.Nick, renamed.Detail));

        await irc.SendAsync("QUIT :see you\r\n");
        Assert.Equal("ERROR :Closing Link: Quit: see you", (await irc.ReadToEndAsync()).Last());
        var quit = (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit });
        Assert.Equal(("ircuser2", "Quit: see you"), (quit.Nick, quit.Detail));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_dropped_irc_connection_quits_at_once_and_frees_its_nick(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var bob = await server.ConnectAsync("bob");
        var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
        await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "ircuser" });
        irc.Dispose();
        await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "ircuser" });
        using var again = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task History_replays_on_join_as_plain_playback_with_times_in_the_text(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var bob = await server.ConnectAsync("bob");
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "before you came"));
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Action, "waited"));
        await bob.ExpectAsync(m => m is RoomMessage { Text: "waited" });

        using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await irc.SendAsync("NICK late\r\nUSER late 0 * :Late\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "366");
        var replay = await irc.BarrierAsync();
        Assert.Equal(2, replay.Count);
        Assert.Matches(@"^:bob!bob@termchat PRIVMSG #lobby :\[\d\d:\d\d UTC\] before you came$", replay[0]);
        Assert.Matches("^:bob!bob@termchat PRIVMSG #lobby :\u0001ACTION \\[\\d\\d:\\d\\d UTC\\] waited\u0001$", replay[1]);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task History_replays_as_a_chathistory_batch_with_server_time_when_negotiated(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var bob = await server.ConnectAsync("bob");
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "earlier"));
        var said = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Text: "earlier" });

        using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await irc.SendAsync("CAP LS 302\r\nCAP REQ :batch server-time message-tags echo-message\r\nNICK late\r\nUSER late 0 * :Late\r\nCAP END\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "366");
        var replay = await irc.BarrierAsync();
        Assert.Equal(3, replay.Count);
        var open = replay[0].Split(' ');
        Assert.Equal([":test.termchat", "BATCH", open[2], "chathistory", "#lobby"], open);
        string id = open[2][1..];
        string time = DateTimeOffset.FromUnixTimeMilliseconds(said.TimeMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        Assert.Equal($"@batch={id};time={time};msgid=lobby-{said.Seq} :bob!bob@termchat PRIVMSG #lobby :earlier", replay[1]);
        Assert.Equal($":test.termchat BATCH -{id}", replay[2]);

        // echo-message: the sender's own line comes back, tagged, once the room has it.
        await irc.SendAsync("PRIVMSG #lobby :mine\r\n");
        var echo = await irc.ExpectAsync(line => line.Contains("PRIVMSG #lobby :mine"));
        Assert.Matches(@"^@time=[0-9T:.\-]+Z;msgid=lobby-\d+ :late!late@termchat PRIVMSG #lobby :mine$", echo);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_long_termchat_message_is_split_on_utf8_boundaries_into_lines_of_at_most_512_bytes(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser", "server-time message-tags");
        await using var bob = await server.ConnectAsync("bob");
        // 3-byte and 4-byte characters with no spaces: every cut has to fall between characters.
        string text = string.Concat(Enumerable.Repeat("日本語😀", 300));
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, text));
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "end"));
        var lines = await irc.CollectUntilAsync(line => line.EndsWith(" :end", StringComparison.Ordinal));
        var raw = irc.RawLines.Skip(irc.RawLines.Count - lines.Count).SkipLast(1)
            .Where(bytes => Encoding.UTF8.GetString(bytes).Contains(" PRIVMSG #lobby :")).ToList();
        Assert.True(raw.Count >= 8, $"{raw.Count} lines");
        var pieces = new StringBuilder();
        foreach (var bytes in raw)
        {
            // The tags have their own budget; the rest of the line fits RFC 1459's 512 bytes, CR LF included.
            int tagsEnd = bytes[0] == (byte)'@' ? Array.IndexOf(bytes, (byte)' ') + 1 : 0;
            Assert.InRange(bytes.Length - tagsEnd, 1, 512);
            string line = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            pieces.Append(line[(line.IndexOf(" :", tagsEnd, StringComparison.Ordinal) + 2)..^2]);
        }
        Assert.Equal(text, pieces.ToString());
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Nick_and_channel_rules_are_refused_with_the_matching_numeric_never_altered(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        await using var bob = await server.ConnectAsync("bob");
        using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await irc.SendAsync("JOIN #lobby\r\nNICK b\\ad\r\nNICK 9lives\r\nNICK bob\r\nUSER x 0 * :X\r\n");
        Assert.Equal(":test.termchat 451 * :You have not registered", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "451"));
        Assert.Equal(":test.termchat 432 * b\\ad :A nick may contain only ASCII letters, digits and _-[]{}|^`.", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "432"));
        Assert.Equal(":test.termchat 432 * 9lives :A nick may not start with a digit or '-'.", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "432"));
        Assert.StartsWith(":test.termchat 433 * bob :", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "433"));
        // The client picks another nick, as irssi and weechat do, and registration completes.
        await irc.SendAsync("NICK bob_\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "001");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "366");

        await irc.SendAsync("JOIN #has.dot\r\nJOIN &local\r\nPRIVMSG #nowhere :hi\r\nPART #nowhere\r\nPRIVMSG ghost :hi\r\nPRIVMSG #lobby :\r\nNICK bob\r\nFOO bar\r\nUSER again 0 * :x\r\n");
        var answers = await irc.BarrierAsync();
        Assert.Equal(
        [
            "479 #has.dot", "479 &local", "404 #nowhere", "442 #nowhere", "401 ghost", "412 :No", "433 bob", "421 FOO", "462 :You",
        ], answers.Select(line => string.Join(' ', line.Split(' ').Skip(1).Take(3).Where((_, i) => i != 1))).ToArray());
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Irc_connections_count_against_the_same_per_address_cap_as_termchat_ones(ServerMode mode)
    {
        await using var server = await StartAsync(mode, options => options.MaxPerIp = 2);
        await using var bob = await server.ConnectAsync("bob");
        using var first = await IrcPeer.RegisterAsync(server.IrcEndPoint, "first");
        using var refused = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        var lines = await refused.ReadToEndAsync();
        Assert.Equal(["ERROR :Closing Link: Too many connections from 127.0.0.1 (limit 2)."], lines);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Shutdown_tells_irc_users_with_an_error_line(ServerMode mode)
    {
        var server = await StartAsync(mode);
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
        var stopping = server.Server.StopAsync();
        Assert.Equal("ERROR :Closing Link: Server shutting down", (await irc.ReadToEndAsync()).Last());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
