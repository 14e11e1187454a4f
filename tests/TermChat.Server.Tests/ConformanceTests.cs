using TermChat.Protocol;
using TermChat.TestKit.Server;
using TermChat.TestKit.Wire;
using static TermChat.TestKit.Wire.HandFrames;

namespace TermChat.Server.Tests;

/// <summary>
/// The places where a prober written from PROTOCOL.md alone found the server disagreeing with the spec
/// (issue 12). Every test talks to a real server over real sockets with frames built byte by byte and reads
/// the answers field by field: no reference codec on either side.
/// </summary>
public sealed class ConformanceTests
{
    private const byte Welcome = 0x81, RoomMessage = 0x82, RoomEvent = 0x83, RoomJoined = 0x85, RoomParted = 0x86;
    private const byte HistoryBegin = 0x89, HistoryEnd = 0x8A, Error = 0x8E, Pong = 0x21, PrivateMessage = 0x84, ByeType = 0x22;

    public static TheoryData<ServerMode, string, ErrorCode> InvalidFrames()
    {
        var data = new TheoryData<ServerMode, string, ErrorCode>();
        foreach (var mode in new[] { ServerMode.Select, ServerMode.Threads, ServerMode.Async })
        {
            data.Add(mode, "00 00 00 01 7f", ErrorCode.UnknownType);
            data.Add(mode, "00 00 00 00", ErrorCode.MalformedFrame);
            data.Add(mode, "00 10 00 00", ErrorCode.FrameTooLarge);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_ping_before_hello_gets_its_pong_and_the_handshake_timeout_still_runs(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.HandshakeTimeout = TimeSpan.FromSeconds(1));
        using var prober = await RawPeer.ConnectAsync(server.EndPoint);
        await prober.SendAsync(Hex("00 00 00 09 20 00 00 00 00 00 00 00 63"));
        Assert.Equal("00 00 00 09 21 00 00 00 00 00 00 00 63", ToHex(await prober.ReceiveFrameAsync()));
        // The Ping created no session and did not stop the handshake clock.
        var rest = await prober.ReceiveToEndAsync();
        Assert.Equal(ErrorCode.HandshakeTimeout, ErrorCodeOf(Assert.Single(rest)));
        Assert.Equal(0, server.Server.SessionCount);

        using var client = await RawPeer.ConnectAsync(server.EndPoint);
        await client.SendAsync(Ping(7));
        Assert.Equal(ToHex(Frame(Pong, U64(7))), ToHex(await client.ReceiveFrameAsync()));
        await client.SendAsync(Hello("ann"));
        Assert.Equal(Welcome, (await client.ReceiveFrameAsync())![4]);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_room_created_again_continues_its_sequence_so_no_client_hides_new_messages(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.FloodRate = 0);
        using var alice = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(alice, "alice");
        await alice.SendAsync(JoinRoom("#x"));
        // As section 9 asks of a client: remember the highest seq shown in the room.
        ulong highest = HighestSeq(await alice.ReceiveUntilAsync(HistoryEnd, "#x"));
        await alice.SendAsync([.. Enumerable.Range(0, 10).Select(i => Say("#x", $"message {i}"))]);
        for (int i = 0; i < 10; i++) highest = Math.Max(highest, HighestSeq(await alice.ReceiveUntilAsync(RoomMessage, "#x")));
        await alice.SendAsync(PartRoom("#x"));
        await alice.ReceiveUntilAsync(RoomParted, "#x");
        Assert.Equal(11UL, highest);

        // #x emptied and was deleted; bob creates it again.
        using var bob = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(bob, "bob");
        await bob.SendAsync(JoinRoom("#x"));
        var joined = await bob.ReceiveUntilAsync(HistoryEnd, "#x");
        var state = new WireFields(joined.Single(f => f[4] == RoomJoined));
        Assert.Equal("#x", state.Str());
        state.Str();
        // #x had 12 entries (alice's join, ten messages, her part): bob's join is the 13th.
        Assert.Equal(13UL, state.U64());

        await alice.SendAsync(JoinRoom("#x"));
        highest = Math.Max(highest, HighestSeq(await alice.ReceiveUntilAsync(HistoryEnd, "#x")));
        await bob.SendAsync(Say("#x", "can you see this?"));
        var message = (await alice.ReceiveUntilAsync(RoomMessage, "#x"))[^1];
        Assert.True(SeqOf(message) > highest, $"seq {SeqOf(message)} is not above {highest}: the client would hide it");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_resume_cursor_above_the_rooms_last_seq_replays_nothing(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        byte[] token;
        using (var first = await RawPeer.ConnectAsync(server.EndPoint))
        {
            token = await RegisterAsync(first, "alice");
            await first.SendAsync(Say("#lobby", "one"));
            Assert.Equal(2UL, SeqOf((await first.ReceiveUntilAsync(RoomMessage, "#lobby"))[^1]));
        } // the link drops without a Bye: the session waits for resume

        using var resumed = await RawPeer.ConnectAsync(server.EndPoint);
        await resumed.SendAsync(Hello("alice", token, ("#lobby", 1000)));
        var frames = await resumed.ReceiveUntilAsync(HistoryEnd, "#lobby");
        Assert.Equal($"{Welcome:x2} {RoomJoined:x2} {HistoryBegin:x2} {HistoryEnd:x2}", RawPeer.Describe(frames));
        var welcome = new WireFields(frames[0]);
        welcome.U16();
        welcome.Str();
        welcome.Bytes(16);
        Assert.Equal(1, welcome.U8()); // resumed
        var joined = new WireFields(frames[1]);
        Assert.Equal(("#lobby", "", 2UL), (joined.Str(), joined.Str(), joined.U64()));
        var begin = new WireFields(frames[2]);
        Assert.Equal(("#lobby", 3UL, 2UL, 0UL), (begin.Str(), begin.U64(), begin.U64(), begin.U64()));

        // Live entries continue after last_seq, which a client that was ahead takes as its new highest seq.
        using var bob = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(bob, "bob");
        Assert.Equal(3UL, SeqOf((await resumed.ReceiveUntilAsync(RoomEvent, "#lobby"))[^1]));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_frame_cut_off_by_the_end_of_the_stream_is_a_malformed_frame_in_stats_and_log(ServerMode mode)
    {
        using var log = new HoldingLoggerFactory();
        await using var server = await TestServer.StartAsync(mode, loggerFactory: log);
        byte[] hello = Hello("alice");
        Assert.Equal(36, hello.Length);

        using var halfClosed = await RawPeer.ConnectAsync(server.EndPoint);
        await halfClosed.SendAsync(hello[..33]);
        halfClosed.ShutdownSend();
        // The peer can still read, so it is told (section 1, rule 4).
        Assert.Equal(ErrorCode.MalformedFrame, ErrorCodeOf(Assert.Single(await halfClosed.ReceiveToEndAsync())));

        using (var closed = await RawPeer.ConnectAsync(server.EndPoint))
        {
            await closed.SendAsync(hello[..33]);
        }

        await Eventually.TrueAsync(() => server.Server.Stats.Disconnects(DisconnectReason.ProtocolError) == 2);
        Assert.Equal(2, server.Server.Stats.ProtocolErrors);
        Assert.Equal(0, server.Server.Stats.Disconnects(DisconnectReason.PeerClosed));
        Assert.Equal(2, log.Lines.Count(l => l.Contains("ProtocolViolation", StringComparison.Ordinal) && l.Contains("MalformedFrame", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(InvalidFrames))]
    public async Task An_invalid_frame_followed_at_once_by_a_half_close_still_gets_its_error(ServerMode mode, string invalid, ErrorCode expected)
    {
        using var log = new HoldingLoggerFactory();
        await using var server = await TestServer.StartAsync(mode, loggerFactory: log);
        // The server is held before it reads anything, so the frames and the end of stream arrive in one read.
        log.HoldAt("Accepted");
        using var prober = await RawPeer.ConnectAsync(server.EndPoint);
        await log.Held.WaitAsync(RawPeer.Timeout);
        await prober.SendAsync(Hello("alice"), Hex(invalid));
        prober.ShutdownSend();
        log.Release();

        var frames = await prober.ReceiveToEndAsync();
        Assert.Equal(Welcome, frames[0][4]);
        Assert.Equal(expected, ErrorCodeOf(frames[^1]));
    }

    [Fact]
    public async Task In_select_mode_sessions_opened_one_after_another_free_their_slots_before_the_next_is_judged()
    {
        const int Sessions = 20;
        using var log = new HoldingLoggerFactory();
        await using var server = await TestServer.StartAsync(ServerMode.Select, o =>
        {
            o.MaxPerIp = 4;
            o.FloodRate = 0;
        }, loggerFactory: log);
        // Hold the loop at the first accept while every session connects, says Hello and Bye and closes its
        // side: the loop then finds them all waiting at once, as on a busy machine.
        log.HoldAt("Accepted");
        var peers = new List<RawPeer>();
        try
        {
            for (int i = 0; i < Sessions; i++)
            {
                var peer = await RawPeer.ConnectAsync(server.EndPoint);
                peers.Add(peer);
                if (i == 0) await log.Held.WaitAsync(RawPeer.Timeout);
                await peer.SendAsync(Hello($"user{i}"), Bye("done"));
                peer.ShutdownSend();
            }
            log.Release();
            for (int i = 0; i < Sessions; i++)
            {
                var frames = await peers[i].ReceiveToEndAsync();
                Assert.True(frames.Count > 0 && frames[0][4] == Welcome, $"session {i} got [{RawPeer.Describe(frames)}]" +
                    (frames.Count > 0 && frames[0][4] == Error ? $" ({ErrorCodeOf(frames[0])})" : ""));
            }
            Assert.Equal(0, server.Server.Stats.Disconnects(DisconnectReason.TooManyConnections));
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Requests_the_spec_was_silent_on_get_the_error_codes_of_its_table(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.FloodRate = 0);
        using var alice = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(alice, "alice");
        using var bob = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(bob, "Bob");
        await bob.SendAsync(JoinRoom("#bobs"));
        await bob.ReceiveUntilAsync(HistoryEnd, "#bobs");

        await alice.SendAsync(Say("#lobby", ""));
        Assert.Equal(ErrorCode.NotAllowed, ErrorCodeOf((await alice.ReceiveUntilAsync(Error))[^1]));
        await alice.SendAsync(Frame(0x05, Str("Bob"), Str("")));
        Assert.Equal(ErrorCode.NotAllowed, ErrorCodeOf((await alice.ReceiveUntilAsync(Error))[^1]));
        await alice.SendAsync(Hello("alice"));
        Assert.Equal(ErrorCode.NotAllowed, ErrorCodeOf((await alice.ReceiveUntilAsync(Error))[^1]));
        await alice.SendAsync(SetTopic("#bobs", "mine now"));
        Assert.Equal(ErrorCode.NotInRoom, ErrorCodeOf((await alice.ReceiveUntilAsync(Error))[^1]));
        await alice.SendAsync(SetTopic("#nowhere", "mine now"));
        Assert.Equal(ErrorCode.NotInRoom, ErrorCodeOf((await alice.ReceiveUntilAsync(Error))[^1]));

        // #lobby and 63 more make 64 rooms, the most a user may be in; the 65th is refused.
        await alice.SendAsync([.. Enumerable.Range(1, 63).Select(i => JoinRoom($"#r{i}"))]);
        await alice.ReceiveUntilAsync(HistoryEnd, "#r63");
        await alice.SendAsync(JoinRoom("#r64"));
        Assert.Equal(ErrorCode.NotAllowed, ErrorCodeOf((await alice.ReceiveUntilAsync(Error))[^1]));

        // Private messages find the nick whatever its case, and name it as its owner spells it.
        await alice.SendAsync(Frame(0x05, Str("BOB"), Str("hi")));
        var pm = new WireFields((await alice.ReceiveUntilAsync(PrivateMessage))[^1]);
        Assert.Equal(("alice", "Bob"), (pm.Str(), pm.Str()));

        // None of those was fatal.
        await alice.SendAsync(Ping(99));
        Assert.Equal(ToHex(Frame(Pong, U64(99))), ToHex((await alice.ReceiveUntilAsync(Pong))[^1]));

        // More than 64 resume cursors is a malformed Hello, and fatal.
        using var greedy = await RawPeer.ConnectAsync(server.EndPoint);
        await greedy.SendAsync(Hello("greedy", null, [.. Enumerable.Range(0, 65).Select(i => ($"#c{i}", 1UL))]));
        Assert.Equal(ErrorCode.MalformedFrame, ErrorCodeOf(Assert.Single(await greedy.ReceiveToEndAsync())));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Frames_may_follow_hello_before_welcome_and_a_join_replays_the_joiners_own_join(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        using var carol = await RawPeer.ConnectAsync(server.EndPoint);
        await carol.SendAsync(Hello("carol"), JoinRoom("#early"), Ping(5));
        var frames = await carol.ReceiveUntilAsync(Pong);
        Assert.Equal($"{Welcome:x2} {RoomJoined:x2} {HistoryBegin:x2} {RoomEvent:x2} {HistoryEnd:x2} " +
            $"{RoomJoined:x2} {HistoryBegin:x2} {RoomEvent:x2} {HistoryEnd:x2} {Pong:x2}", RawPeer.Describe(frames));

        var joined = new WireFields(frames[5]);
        Assert.Equal("#early", joined.Str());
        joined.Str();
        ulong lastSeq = joined.U64();
        var begin = new WireFields(frames[6]);
        Assert.Equal(("#early", 1UL, lastSeq), (begin.Str(), begin.U64(), begin.U64()));
        var join = new WireFields(frames[7]);
        Assert.Equal(("#early", lastSeq), (join.Str(), join.U64()));
        join.Bytes(8); // time_ms
        Assert.Equal((1, "carol", "", 1), (join.U8(), join.Str(), join.Str(), join.U8())); // Join, replayed
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Rejoining_replays_without_a_new_join_lobby_can_be_parted_and_bye_is_answered_with_bye(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        using var alice = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(alice, "alice");
        using var bob = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(bob, "bob");
        await alice.ReceiveUntilAsync(RoomEvent, "#lobby"); // bob's join

        await bob.SendAsync(JoinRoom("#lobby"));
        var again = await bob.ReceiveUntilAsync(HistoryEnd, "#lobby");
        Assert.Equal(RoomJoined, again[0][4]);
        await alice.SendAsync(Ping(1));
        Assert.Equal(Pong, Assert.Single(await alice.ReceiveUntilAsync(Pong))[4]); // no second Join for bob

        await bob.SendAsync(PartRoom("#lobby"));
        Assert.Equal(RoomParted, (await bob.ReceiveUntilAsync(RoomParted))[^1][4]);
        await bob.SendAsync(JoinRoom("#lobby"));
        await bob.ReceiveUntilAsync(HistoryEnd, "#lobby");

        await bob.SendAsync(Bye("see you"));
        var last = (await bob.ReceiveToEndAsync())[^1];
        Assert.Equal(ByeType, last[4]);
        byte[] quitFrame;
        do
        {
            quitFrame = (await alice.ReceiveUntilAsync(RoomEvent, "#lobby"))[^1];
        }
        while (KindOf(quitFrame) != 3); // after bob's part and second join
        var quit = new WireFields(quitFrame);
        quit.Str();
        quit.U64();
        quit.Bytes(8);
        Assert.Equal((3, "bob", "see you"), (quit.U8(), quit.Str(), quit.Str()));
    }

    /// <summary>Sends Hello, reads through the #lobby join sequence, and returns the resume token from Welcome.</summary>
    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_look_alike_of_a_nick_online_is_refused_with_nick_in_use_and_a_reason(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        using var alice = await RawPeer.ConnectAsync(server.EndPoint);
        await RegisterAsync(alice, "alice");

        using var mallory = await RawPeer.ConnectAsync(server.EndPoint);
        await mallory.SendAsync(Hello("aIice"));
        var refusal = new WireFields(Assert.Single(await mallory.ReceiveToEndAsync()));

        Assert.Equal((Error, (ushort)10), (refusal.Type, refusal.U16()));
        Assert.Equal("The nick aIice looks like alice, which is in use; choose another.", refusal.Str());
        Assert.Equal(1, server.Server.SessionCount);
    }

    private static async Task<byte[]> RegisterAsync(RawPeer peer, string nick)
    {
        await peer.SendAsync(Hello(nick));
        var frames = await peer.ReceiveUntilAsync(HistoryEnd, "#lobby");
        Assert.Equal(Welcome, frames[0][4]);
        var welcome = new WireFields(frames[0]);
        welcome.U16();
        Assert.Equal(nick, welcome.Str());
        return welcome.Bytes(16);
    }

    /// <summary>The seq of a RoomMessage or RoomEvent: the field after the room name.</summary>
    private static ulong SeqOf(byte[] frame)
    {
        var fields = new WireFields(frame);
        fields.Str();
        return fields.U64();
    }

    private static ulong HighestSeq(IEnumerable<byte[]> frames) =>
        frames.Where(f => f[4] is RoomMessage or RoomEvent).Select(SeqOf).DefaultIfEmpty(0UL).Max();

    /// <summary>The kind of a RoomEvent: after room, seq and time_ms.</summary>
    private static byte KindOf(byte[] frame)
    {
        var fields = new WireFields(frame);
        fields.Str();
        fields.U64();
        fields.Bytes(8);
        return fields.U8();
    }

    private static ErrorCode ErrorCodeOf(byte[] frame)
    {
        var fields = new WireFields(frame);
        Assert.Equal(Error, fields.Type);
        return (ErrorCode)fields.U16();
    }
}
