using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Irc;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Irc;

/// <summary>Hostile IRC input over real sockets: each case affects only the connection that sent it.</summary>
public sealed class IrcHostileInputTests
{
    private static Task<TestServer> StartAsync(ServerMode mode, Action<ServerOptions>? configure = null) =>
        TestServer.StartAsync(mode, options =>
        {
            options.IrcPort = 0;
            configure?.Invoke(options);
        });

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task An_overlong_line_gets_417_and_the_connection_goes_on(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
        await irc.SendAsync("PRIVMSG #lobby :" + new string('x', 5000) + "\r\n");
        Assert.Equal(":test.termchat 417 ircuser :Input line was too long", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "417"));
        Assert.Empty(await irc.BarrierAsync());
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Bytes_without_a_line_end_are_dropped_once_past_the_limit_and_bare_lf_ends_a_line(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
        await using var bob = await server.ConnectAsync("bob");
        // 64 KiB with no line end at all, sent in pieces: reported once, and nothing of it reaches the room.
        for (int i = 0; i < 16; i++) await irc.SendAsync("PRIVMSG #lobby :" + new string('y', 4096 - 16));
        await irc.SendAsync("\nPRIVMSG #lobby :after the junk\nPING :lf-only\n");
        Assert.EndsWith(":lf-only", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "PONG"));
        Assert.Single(irc.Received, line => IrcPeer.Numeric(line) == "417");
        var said = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal("after the junk", said.Text);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_line_that_is_not_utf8_is_read_as_latin1(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.RegisterAsync(server.IrcEndPoint, "ircuser");
        await using var bob = await server.ConnectAsync("bob");
        await irc.ExpectAsync(line => line.Contains("JOIN") && line.StartsWith(":bob!", StringComparison.Ordinal));
        await irc.SendBytesAsync([.. "PRIVMSG #lobby :caf"u8, 0xE9, .. " cr\u00e8me"u8, (byte)'\r', (byte)'\n']);
        await irc.SendBytesAsync([.. "PRIVMSG #lobby :na"u8, 0xEF, .. "ve\r\n"u8]);
        var first = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        var second = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        // The first line mixes a Latin-1 byte with UTF-8, so the whole line is Latin-1; the second is plain Latin-1.
        Assert.Equal("caf\u00e9 cr\u00c3\u00a8me", first.Text);
        Assert.Equal("na\u00efve", second.Text);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_nick_flood_is_delayed_with_one_notice_while_others_are_served(ServerMode mode)
    {
        await using var server = await StartAsync(mode, options => (options.FloodBurst, options.FloodRate) = (10, 5));
        using var flooder = await IrcPeer.RegisterAsync(server.IrcEndPoint, "flooder");
        using var calm = await IrcPeer.RegisterAsync(server.IrcEndPoint, "calm");
        await using var bob = await server.ConnectAsync("bob");
        var flood = new StringBuilder();
        for (int i = 0; i < 200; i++) flood.Append($"NICK flood{i % 2}\r\n");
        await flooder.SendAsync(flood.ToString());

        string notice = await flooder.ExpectAsync(line => line.Contains(" NOTICE "));
        Assert.Matches(@"^:test\.termchat NOTICE flood[01] :Flood control: more than 10 lines at once or 5/s; your lines are delayed, not dropped\.$", notice);
        // The others are answered at once, while the flood is still held back.
        Assert.DoesNotContain(await calm.BarrierAsync(), line => line.Contains("NOTICE"));
        await bob.BarrierAsync();
        Assert.True(bob.Received.Count(m => m is RoomEvent { Kind: RoomEventKind.NickChange }) < 200);
        Assert.True(server.Server.Stats.FloodDelays > 0);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_join_of_a_thousand_channels_stops_at_the_per_user_cap_and_others_can_still_join(ServerMode mode)
    {
        await using var server = await StartAsync(mode, options => options.FloodRate = 0);
        using var flooder = await IrcPeer.RegisterAsync(server.IrcEndPoint, "flooder");
        for (int line = 0; line < 20; line++)
        {
            await flooder.SendAsync("JOIN " + string.Join(',', Enumerable.Range(line * 50, 50).Select(i => $"#c{i:d4}")) + "\r\n");
        }
        var lines = await flooder.BarrierAsync();
        int cap = new ServerOptions().MaxRoomsPerUser;
        Assert.Equal(cap - 1, lines.Count(line => line.StartsWith(":flooder!flooder@termchat JOIN #c", StringComparison.Ordinal)));
        var refused = lines.Where(line => IrcPeer.Numeric(line) == "405").ToList();
        Assert.Equal(1000 - (cap - 1), refused.Count);
        Assert.Equal($":test.termchat 405 flooder #c{cap - 1:d4} :You are in {cap} rooms, the most allowed; part one first.", refused[0]);

        using var other = await IrcPeer.RegisterAsync(server.IrcEndPoint, "other");
        await other.SendAsync("JOIN #fresh\r\n");
        Assert.Equal(":other!other@termchat JOIN #fresh", await other.ExpectAsync(line => line.Contains(" JOIN ")));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_ctcp_flood_is_dropped_and_throttled_without_reaching_anyone(ServerMode mode)
    {
        await using var server = await StartAsync(mode, options => (options.FloodBurst, options.FloodRate) = (10, 100));
        using var flooder = await IrcPeer.RegisterAsync(server.IrcEndPoint, "flooder");
        using var calm = await IrcPeer.RegisterAsync(server.IrcEndPoint, "calm");
        await using var bob = await server.ConnectAsync("bob");
        await calm.ExpectAsync(line => line.StartsWith(":bob!", StringComparison.Ordinal));
        var flood = new StringBuilder();
        for (int i = 0; i < 100; i++) flood.Append("PRIVMSG #lobby :\u0001VERSION\u0001\r\nPRIVMSG bob :\u0001PING 1\u0001\r\n");
        flood.Append("PRIVMSG #lobby :done\r\n");
        await flooder.SendAsync(flood.ToString());

        var done = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal(("flooder", "done"), (done.From, done.Text));
        Assert.DoesNotContain(bob.Received, m => m is Protocol.Messages.PrivateMessage);
        var seen = await calm.CollectUntilAsync(line => line.EndsWith(" :done", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, line => line.Contains('\u0001'));
        Assert.Single(await flooder.CollectUntilAsync(line => line.Contains(" NOTICE ")), line => line.Contains(" NOTICE "));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task An_irc_client_that_stops_reading_is_cut_at_the_send_queue_limit_alone(ServerMode mode)
    {
        await using var server = await StartAsync(mode, options => (options.FloodRate, options.MaxSendQueueBytes) = (0, 256 * 1024));
        await using var bob = await server.ConnectAsync("bob");
        using var stuck = await IrcPeer.ConnectAsync(server.IrcEndPoint, receiveBufferSize: 4096);
        await stuck.SendAsync("NICK stuck\r\nUSER stuck 0 * :Stuck\r\n");
        await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "stuck" });
        string text = new('z', 8000);
        // The stuck client reads nothing; bob talks (one message per echo, so that bob's own queue stays short) until
        // the server gives up on it. The cut happens when its queue passes the limit (after about 360 messages here,
        // the kernel's buffers included); the rooms hear of it only when the connection ends, a second later (its
        // farewell ERROR gets that long to drain, and it does not read). So bob stops talking at the cut and then
        // waits for the quit: talking on made the test a race between a fixed count of round trips (900 to 2,800
        // fit in that second on this machine) and the drain timer, which a loaded machine runs late.
        RoomEvent? gone = null;
        int sent = 0;
        for (; sent < 5000 && gone is null && server.Server.Stats.SlowConsumers == 0; sent++)
        {
            await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, text));
            var next = await bob.ExpectAsync(m => m is RoomMessage { From: "bob" } or RoomEvent { Kind: RoomEventKind.Quit, Nick: "stuck" });
            gone = next as RoomEvent;
        }
        Assert.True(gone is not null || server.Server.Stats.SlowConsumers > 0, $"the stuck client was not cut after {sent} messages of 8,000 bytes");
        gone ??= (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "stuck" });
        Assert.Equal(("send queue exceeded", 1L), (gone.Detail, server.Server.Stats.SlowConsumers));
        // bob, who talked through all of it, is still there.
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "still here"));
        await bob.ExpectAsync(m => m is RoomMessage { Text: "still here" });
    }
}
