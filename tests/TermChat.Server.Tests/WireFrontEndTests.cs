using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.Server.Core;
using TermChat.Server.History;
using TermChat.Server.Wire;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests;

/// <summary>The wire front end over the chat core, with substitute links and a manual clock: no sockets, no real time.</summary>
public sealed class WireFrontEndTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly ServerOptions _options;
    private readonly WireFrontEnd _hub;

    public WireFrontEndTests()
    {
        _options = new ServerOptions { TimeProvider = _clock, FloodBurst = 3, FloodRate = 1, ServerName = "unit" };
        _hub = NewFrontEnd(_options);
    }

    [Fact]
    public void A_room_message_is_encoded_once_and_the_same_bytes_go_to_every_member()
    {
        var alice = Register("alice");
        var bob = Register("bob");
        var carol = Register("carol");
        foreach (var link in new[] { alice, bob, carol }) link.Frames.Clear();

        Handle(alice, new SendMessage("#lobby", MessageKind.Say, "hi all"));

        var frames = new[] { alice, bob, carol }.Select(link => Assert.Single(link.Frames)).ToArray();
        Assert.True(frames.All(f => ReferenceEquals(f, frames[0])), "every member must get the same shared byte[]");
        var message = Assert.IsType<RoomMessage>(Decode(frames[0]));
        Assert.Equal(new RoomMessage("#lobby", 4, _clock.GetUtcNow().ToUnixTimeMilliseconds(), "alice", MessageKind.Say, "hi all", false), message);
    }

    [Fact]
    public void Flood_control_holds_frames_back_and_notifies_at_most_once_per_interval()
    {
        var alice = Register("alice");
        // Registration took one token: two remain of the burst of three.
        Assert.True(TryHandle(alice, new SendMessage("#lobby", MessageKind.Say, "1"), out _));
        Assert.True(TryHandle(alice, new SendMessage("#lobby", MessageKind.Say, "2"), out _));
        alice.Frames.Clear();

        Assert.False(TryHandle(alice, new SendMessage("#lobby", MessageKind.Say, "3"), out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.Equal(ErrorCode.Flood, Assert.IsType<Error>(Decode(Assert.Single(alice.Frames))).Code);
        Assert.False(TryHandle(alice, new SendMessage("#lobby", MessageKind.Say, "3"), out _));
        Assert.Single(alice.Frames); // no second notice within the interval

        _clock.Advance(wait);
        Assert.True(TryHandle(alice, new SendMessage("#lobby", MessageKind.Say, "3"), out _));
        Assert.Equal("3", Assert.IsType<RoomMessage>(Decode(alice.Frames[^1])).Text);
        // Pongs are never held back: they answer the server's own pings.
        Assert.True(TryHandle(alice, new Pong(1), out _));
    }

    [Fact]
    public void A_connection_without_hello_is_closed_when_the_handshake_timeout_passes()
    {
        var silent = Connect();
        _clock.Advance(_options.HandshakeTimeout - TimeSpan.FromMilliseconds(1));
        _hub.Sweep();
        silent.Link.DidNotReceiveWithAnyArgs().Close(default, default!);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        _hub.Sweep();
        silent.Link.Received(1).Close(ErrorCode.HandshakeTimeout, Arg.Any<string>());
    }

    [Fact]
    public void A_silent_client_is_pinged_once_then_dropped_at_the_idle_timeout()
    {
        var alice = Register("alice");
        alice.Frames.Clear();
        _clock.Advance(_options.KeepaliveInterval);
        _hub.Sweep();
        _hub.Sweep();
        Assert.IsType<Ping>(Decode(Assert.Single(alice.Frames)));

        _clock.Advance(_options.IdleTimeout - _options.KeepaliveInterval);
        _hub.Sweep();
        alice.Link.Received(1).Close(ErrorCode.IdleTimeout, Arg.Any<string>());
    }

    [Fact]
    public void Any_frame_counts_as_activity_for_keepalive()
    {
        var alice = Register("alice");
        _clock.Advance(_options.KeepaliveInterval - TimeSpan.FromSeconds(1));
        Handle(alice, new Pong(0));
        alice.Frames.Clear();
        _clock.Advance(TimeSpan.FromSeconds(2));
        _hub.Sweep();
        Assert.Empty(alice.Frames);
    }

    [Fact]
    public void A_dropped_session_quits_its_rooms_only_when_the_resume_window_ends()
    {
        var alice = Register("alice");
        var bob = Register("bob");
        _hub.Disconnected(bob.Link, "connection reset");
        alice.Frames.Clear();

        _clock.Advance(_options.ResumeWindow - TimeSpan.FromSeconds(1));
        _hub.Sweep();
        Assert.Empty(alice.Messages().OfType<RoomEvent>());

        _clock.Advance(TimeSpan.FromSeconds(1));
        _hub.Sweep();
        var quit = Assert.Single(alice.Messages().OfType<RoomEvent>());
        Assert.Equal((RoomEventKind.Quit, "bob", "connection reset"), (quit.Kind, quit.Nick, quit.Detail));
        Assert.Equal(1, _hub.Core.SessionCount);
    }

    [Fact]
    public void Resuming_a_dropped_session_tells_the_rooms_nothing_and_replays_after_the_cursor()
    {
        var alice = Register("alice");
        var bob = Register("bob");
        ulong seen = Assert.IsType<RoomJoined>(bob.Messages().First(m => m is RoomJoined)).LastSeq;
        _hub.Disconnected(bob.Link, "connection reset");
        Handle(alice, new SendMessage("#lobby", MessageKind.Say, "while you were out"));
        alice.Frames.Clear();

        var back = Connect();
        Handle(back, new Hello(ProtocolLimits.Version, "bob", bob.Token, new[] { new RoomCursor("#lobby", seen) }));

        var messages = back.Messages();
        Assert.Equal(new Welcome(ProtocolLimits.Version, "bob", bob.Token, true, "unit", "async", 45, ""), messages[0]);
        Assert.IsType<RoomJoined>(messages[1]);
        Assert.Equal(new HistoryBegin("#lobby", seen + 1, seen + 1, 0), messages[2]);
        Assert.Equal("while you were out", Assert.IsType<RoomMessage>(messages[3]).Text);
        Assert.IsType<HistoryEnd>(messages[4]);
        Assert.Empty(alice.Frames);
    }

    [Fact]
    public void A_join_replay_is_capped_at_half_the_send_queue_and_the_rest_counts_as_missed_on_resume()
    {
        var options = new ServerOptions { TimeProvider = _clock, FloodRate = 0, MaxSendQueueBytes = 8192 };
        var hub = NewFrontEnd(options);
        var alice = new FakeLink(IPAddress.Loopback);
        hub.TryConnect(alice.Link);
        hub.TryHandle(alice.Link, new Hello(1, "alice", default, Array.Empty<RoomCursor>()), out _);
        var bob = new FakeLink(IPAddress.Loopback);
        hub.TryConnect(bob.Link);
        hub.TryHandle(bob.Link, new Hello(1, "bob", default, Array.Empty<RoomCursor>()), out _);
        var token = Assert.IsType<Welcome>(bob.Messages()[0]).Token;
        ulong cursor = Assert.IsType<RoomJoined>(bob.Messages()[1]).LastSeq;
        hub.Disconnected(bob.Link, "gone");
        for (int i = 0; i < 10; i++)
        {
            hub.TryHandle(alice.Link, new SendMessage("#lobby", MessageKind.Say, new string((char)('a' + i), 1000)), out _);
        }

        var back = new FakeLink(IPAddress.Loopback);
        hub.TryConnect(back.Link);
        hub.TryHandle(back.Link, new Hello(1, "bob", token, new[] { new RoomCursor("#lobby", cursor) }), out _);
        var messages = back.Messages();
        var begin = Assert.IsType<HistoryBegin>(messages[2]);
        var replayed = messages.OfType<RoomMessage>().ToList();
        Assert.InRange(replayed.Count, 1, 4);
        Assert.Equal(new string('j', 1000), replayed[^1].Text);
        Assert.Equal(begin.ToSeq - begin.FromSeq + 1, (ulong)replayed.Count);
        Assert.Equal(10 - replayed.Count, (int)begin.Missed);
        Assert.True(back.Frames.Sum(f => f.Length) <= 8192);
    }

    [Fact]
    public void Room_history_is_bounded_in_bytes_as_well_as_entries()
    {
        var history = new RoomHistory(capacity: 100, maxBytes: 20_000);
        for (ulong seq = 1; seq <= 10; seq++)
        {
            history.Add(new RoomEntry(RoomEntryDraft.Message("#r", 0, "a", MessageKind.Say, new string('x', 5000)), seq));
        }
        Assert.True(history.Bytes <= 20_000);
        Assert.Equal(3, history.Count);
        Assert.Equal(new ulong[] { 8, 9, 10 }, history.Newest(0, int.MaxValue, long.MaxValue).Select(e => ((RoomMessage)Decode(EntryFrames.Replay(e))).Seq));
        Assert.Equal(8UL, history.FirstSeq);
    }

    [Fact]
    public void An_entry_encodes_as_its_wire_message_and_its_replay_frame_is_the_live_frame_with_the_flag_set()
    {
        (RoomEntry Entry, Message Live)[] cases =
        [
            (new RoomEntry(RoomEntryDraft.Message("#r", 1763789000000, "ann", MessageKind.Action, "waves 👋"), 7),
                new RoomMessage("#r", 7, 1763789000000, "ann", MessageKind.Action, "waves 👋", false)),
            (new RoomEntry(RoomEntryDraft.Event("#r", 1763789000001, RoomEventKind.Topic, "ann", "new topic"), 8),
                new RoomEvent("#r", 8, 1763789000001, RoomEventKind.Topic, "ann", "new topic", false)),
        ];
        foreach (var (entry, live) in cases)
        {
            var replayed = live switch
            {
                RoomMessage m => (Message)(m with { Replay = true }),
                RoomEvent e => e with { Replay = true },
                _ => throw new InvalidOperationException(),
            };
            Assert.Equal(FrameEncoder.ToArray(live), EntryFrames.Live(entry));
            Assert.Equal(FrameEncoder.ToArray(replayed), EntryFrames.Replay(entry));
            // History budgets count an entry's size, which is its frame's length.
            Assert.Equal(FrameEncoder.ToArray(live).Length, entry.Size);
        }
    }

    [Fact]
    public void Every_joiner_is_sent_the_same_stored_replay_bytes_with_nothing_encoded_again()
    {
        var alice = Register("alice");
        Handle(alice, new SendMessage("#lobby", MessageKind.Say, "before you came"));
        var carol = Register("carol");
        var dave = Register("dave");

        byte[] Replayed(FakeLink link) => link.Frames.Single(f => Decode(f) is RoomMessage { Replay: true, Text: "before you came" });
        Assert.Same(Replayed(carol), Replayed(dave));
    }

    [Fact]
    public void No_room_is_created_beyond_the_room_limit()
    {
        var options = new ServerOptions { TimeProvider = _clock, MaxRooms = 2 };
        var hub = NewFrontEnd(options);
        var alice = new FakeLink(IPAddress.Loopback);
        hub.TryConnect(alice.Link);
        hub.TryHandle(alice.Link, new Hello(1, "alice", default, Array.Empty<RoomCursor>()), out _);
        hub.TryHandle(alice.Link, new JoinRoom("#one"), out _);
        alice.Frames.Clear();
        hub.TryHandle(alice.Link, new JoinRoom("#two"), out _);
        Assert.Equal(ErrorCode.NotAllowed, Assert.IsType<Error>(Assert.Single(alice.Messages())).Code);
        Assert.Equal(2, hub.Core.RoomCount);
    }

    [Fact]
    public void Sessions_waiting_for_resume_are_capped_at_the_client_limit_oldest_first()
    {
        var options = new ServerOptions { TimeProvider = _clock, MaxClients = 3, FloodRate = 0 };
        var hub = NewFrontEnd(options);
        var watcher = new FakeLink(IPAddress.Loopback);
        hub.TryConnect(watcher.Link);
        hub.TryHandle(watcher.Link, new Hello(1, "watcher", default, Array.Empty<RoomCursor>()), out _);
        for (int i = 0; i < 4; i++)
        {
            var link = new FakeLink(IPAddress.Loopback);
            Assert.True(hub.TryConnect(link.Link));
            hub.TryHandle(link.Link, new Hello(1, $"u{i}", default, Array.Empty<RoomCursor>()), out _);
            hub.Disconnected(link.Link, "dropped");
        }
        // Four dropped sessions, room for three: u0 ended early; the others still wait.
        var quits = watcher.Messages().OfType<RoomEvent>().Where(e => e.Kind == RoomEventKind.Quit).Select(e => e.Nick);
        Assert.Equal(new[] { "u0" }, quits);
        Assert.Equal(4, hub.Core.SessionCount);
    }

    [Fact]
    public void Connections_over_the_per_address_limit_are_refused()
    {
        var options = new ServerOptions { TimeProvider = _clock, MaxPerIp = 1 };
        var hub = NewFrontEnd(options);
        var first = new FakeLink(IPAddress.Parse("10.0.0.1"));
        var second = new FakeLink(IPAddress.Parse("::ffff:10.0.0.1"));
        var other = new FakeLink(IPAddress.Parse("10.0.0.2"));
        Assert.True(hub.TryConnect(first.Link));
        Assert.False(hub.TryConnect(second.Link));
        second.Link.Received(1).Close(ErrorCode.TooManyConnections, Arg.Any<string>());
        Assert.True(hub.TryConnect(other.Link));

        hub.Disconnected(first.Link, "gone");
        Assert.True(hub.TryConnect(new FakeLink(IPAddress.Parse("10.0.0.1")).Link));
    }

    [Fact]
    public void A_full_server_refuses_new_connections()
    {
        var options = new ServerOptions { TimeProvider = _clock, MaxClients = 1 };
        var hub = NewFrontEnd(options);
        Assert.True(hub.TryConnect(new FakeLink(IPAddress.Loopback).Link));
        var refused = new FakeLink(IPAddress.Loopback);
        Assert.False(hub.TryConnect(refused.Link));
        refused.Link.Received(1).Close(ErrorCode.ServerFull, Arg.Any<string>());
    }

    [Fact]
    public void A_member_whose_queue_is_full_does_not_stop_delivery_to_the_others()
    {
        var alice = Register("alice");
        var slow = Register("slow");
        var bob = Register("bob");
        slow.Accept = false;
        bob.Frames.Clear();
        Handle(alice, new SendMessage("#lobby", MessageKind.Say, "still flowing"));
        Assert.Equal("still flowing", Assert.IsType<RoomMessage>(Decode(Assert.Single(bob.Frames))).Text);
    }

    [Fact]
    public void Shutdown_tells_every_connection_and_refuses_new_ones()
    {
        var alice = Register("alice");
        var pending = Connect();
        _hub.Shutdown();
        alice.Link.Received(1).Close(ErrorCode.ServerShutdown, "server shutting down");
        pending.Link.Received(1).Close(ErrorCode.ServerShutdown, "server shutting down");
        var late = new FakeLink(IPAddress.Loopback);
        Assert.False(_hub.TryConnect(late.Link));
    }

    [Fact]
    public void A_message_other_than_hello_before_the_handshake_is_fatal()
    {
        var early = Connect();
        Handle(early, new JoinRoom("#lobby"));
        early.Link.Received(1).Close(ErrorCode.HandshakeRequired, Arg.Any<string>());
    }

    [Fact]
    public void A_server_to_client_message_from_a_client_is_refused_and_ignored()
    {
        var alice = Register("alice");
        alice.Frames.Clear();
        Handle(alice, new Notice("", "I am the server now"));
        Assert.Equal(ErrorCode.NotAllowed, Assert.IsType<Error>(Decode(Assert.Single(alice.Frames))).Code);
        alice.Link.DidNotReceiveWithAnyArgs().Close(default, default!);
    }

    [Fact]
    public void A_bye_ends_the_session_at_once_and_frees_the_nick()
    {
        var alice = Register("alice");
        var bob = Register("bob");
        alice.Frames.Clear();
        Handle(bob, new Bye("off to lunch"));
        var quit = Assert.Single(alice.Messages().OfType<RoomEvent>());
        Assert.Equal((RoomEventKind.Quit, "bob", "off to lunch"), (quit.Kind, quit.Nick, quit.Detail));
        bob.Link.Received(1).Close(null, Arg.Any<string>());
        Assert.Equal("bob", Assert.IsType<Welcome>(Register("bob").Messages()[0]).Nick);
    }

    [Fact]
    public void The_key_a_transport_verified_reaches_the_core_which_refuses_the_nick_to_another_key()
    {
        var owner = Connect();
        owner.Link.KeyFingerprint.Returns("SHA256:first");
        Handle(owner, new Hello(ProtocolLimits.Version, "alice", default, Array.Empty<RoomCursor>()));
        Handle(owner, new Bye("later"));
        var other = Connect();
        other.Link.KeyFingerprint.Returns("SHA256:second");

        Handle(other, new Hello(ProtocolLimits.Version, "alice", default, Array.Empty<RoomCursor>()));

        Assert.IsType<Welcome>(owner.Messages()[0]);
        other.Link.Received(1).Close(ErrorCode.NickOwned, "The nick alice belongs to another key: choose another.");
    }

    [Fact]
    public void An_operators_kick_and_ban_reach_a_version_three_member_as_such_and_a_version_two_member_as_part_and_quit()
    {
        _options.Operators.Add("SHA256:op");
        var op = Connect();
        op.Link.KeyFingerprint.Returns("SHA256:op");
        Handle(op, new Hello(ProtocolLimits.Version, "oper", default, Array.Empty<RoomCursor>()));
        var modern = Register("modern");
        var old = Connect();
        Handle(old, new Hello(2, "old", default, Array.Empty<RoomCursor>()));
        var bob = Register("bob");
        var carl = Register("carl");
        foreach (var link in new[] { modern, old }) link.Frames.Clear();

        Handle(op, new Moderate(ModerationAction.Kick, "#lobby", "bob", 0, "spam"));
        Handle(op, new Moderate(ModerationAction.Ban, "", "carl", 0, "abuse"));

        var modernEvents = modern.Messages().OfType<RoomEvent>().Select(e => (e.Kind, e.Nick, e.Detail)).ToList();
        Assert.Equal([(RoomEventKind.Kick, "oper", "bob spam"), (RoomEventKind.Ban, "oper", "carl abuse")], modernEvents);
        var oldEvents = old.Messages().OfType<RoomEvent>().Select(e => (e.Kind, e.Nick, e.Detail)).ToList();
        Assert.Equal([(RoomEventKind.Part, "bob", "kicked by oper: spam"), (RoomEventKind.Quit, "carl", "banned by oper: abuse")], oldEvents);
        Assert.Equal(modern.Messages().OfType<RoomEvent>().Select(e => e.Seq), old.Messages().OfType<RoomEvent>().Select(e => e.Seq));
        Assert.Contains(bob.Messages(), m => m is RoomParted { Room: "#lobby" });
        carl.Link.Received(1).Close(ErrorCode.Banned, "You are banned from this server by oper: abuse. The ban lasts until an operator lifts it.");
        Assert.DoesNotContain(old.Messages(), m => m is RoomModes);
    }

    private FakeLink Connect()
    {
        var link = new FakeLink(IPAddress.Loopback);
        Assert.True(_hub.TryConnect(link.Link));
        return link;
    }

    private static WireFrontEnd NewFrontEnd(ServerOptions options)
    {
        var stats = new ServerStats();
        var core = new ChatCore(options, stats, new MemoryRoomLog(options), NullLogger.Instance);
        return new WireFrontEnd(core, options, stats, NullLogger.Instance);
    }

    private FakeLink Register(string nick)
    {
        var link = Connect();
        Handle(link, new Hello(ProtocolLimits.Version, nick, default, Array.Empty<RoomCursor>()));
        var welcome = Assert.IsType<Welcome>(link.Messages()[0]);
        link.Token = welcome.Token;
        return link;
    }

    private void Handle(FakeLink link, Message message) => Assert.True(_hub.TryHandle(link.Link, message, out _));

    private bool TryHandle(FakeLink link, Message message, out TimeSpan wait) => _hub.TryHandle(link.Link, message, out wait);

    private static Message Decode(byte[] frame)
    {
        Assert.True(FrameDecoder.TryRead(frame, ProtocolLimits.MaxFrameBytes, out var message, out int consumed));
        Assert.Equal(frame.Length, consumed);
        return message;
    }

    /// <summary>An <see cref="IClientLink"/> substitute that records the frames queued to it.</summary>
    private sealed class FakeLink
    {
        public FakeLink(IPAddress address)
        {
            Link = Substitute.For<IClientLink>();
            Link.Id.Returns(WireFrontEnd.NextLinkId());
            Link.Remote.Returns(new IPEndPoint(address, 50000));
            Link.Transport.Returns("test");
            Link.TryEnqueue(Arg.Any<ReadOnlyMemory<byte>>()).Returns(call =>
            {
                if (!Accept) return false;
                Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(call.Arg<ReadOnlyMemory<byte>>(), out var segment));
                Frames.Add(segment.Array!);
                return true;
            });
        }

        public IClientLink Link { get; }

        public List<byte[]> Frames { get; } = [];

        public bool Accept { get; set; } = true;

        public ResumeToken Token { get; set; }

        public List<Message> Messages() => Frames.Select(Decode).ToList();
    }
}
