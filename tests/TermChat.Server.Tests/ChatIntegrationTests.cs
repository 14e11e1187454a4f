using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests;

/// <summary>Chat semantics over real sockets, identical in every mode.</summary>
public sealed class ChatIntegrationTests
{
    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Every_member_sees_a_busy_room_in_the_same_order(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.FloodRate = 0);
        var clients = new List<TestChatClient>();
        foreach (var nick in new[] { "alice", "bob", "carol" }) clients.Add(await server.ConnectAsync(nick));
        try
        {
            // Everyone is in the lobby once carol's join is seen by all.
            foreach (var client in clients.Take(2))
            {
                await client.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "carol", Replay: false });
            }
            const int PerClient = 30;
            await Task.WhenAll(clients.Select((client, index) => client.SendManyAsync(
                Enumerable.Range(0, PerClient).Select(i => new SendMessage("#lobby", MessageKind.Say, $"{client.Nick} {i}")))));

            var seen = await Task.WhenAll(clients.Select(async client =>
            {
                var list = new List<RoomMessage>();
                while (list.Count < PerClient * clients.Count)
                {
                    var message = await client.ReceiveAsync<RoomMessage>();
                    if (!message.Replay) list.Add(message);
                }
                return list;
            }));

            var reference = seen[0].Select(m => (m.Seq, m.From, m.Text)).ToList();
            foreach (var other in seen.Skip(1))
            {
                Assert.Equal(reference, other.Select(m => (m.Seq, m.From, m.Text)).ToList());
            }
            Assert.Equal(reference.Select(r => r.Seq).Order().ToList(), reference.Select(r => r.Seq).ToList());
            Assert.Equal(reference.Count, reference.Select(r => r.Seq).Distinct().Count());
            foreach (var client in clients)
            {
                // Per sender, the order sent is the order delivered.
                var mine = reference.Where(r => r.From == client.Nick).Select(r => r.Text).ToList();
                Assert.Equal(Enumerable.Range(0, PerClient).Select(i => $"{client.Nick} {i}").ToList(), mine);
            }
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_hundred_clients_chatting_at_once_all_see_every_message_in_one_order(ServerMode mode)
    {
        const int Clients = 100;
        const int PerClient = 3;
        await using var server = await TestServer.StartAsync(mode, o => o.MaxPerIp = 200);
        var clients = new List<TestChatClient>();
        try
        {
            for (int i = 0; i < Clients; i++) clients.Add(await server.ConnectAsync($"user{i}"));
            // Once the last join is seen by everyone, every client is a member.
            await Task.WhenAll(clients.Select(c => c.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "user99" })));
            await Task.WhenAll(clients.Select(c => c.SendManyAsync(
                Enumerable.Range(0, PerClient).Select(i => new SendMessage("#lobby", MessageKind.Say, $"{c.Nick}/{i}")))));
            var orders = await Task.WhenAll(clients.Select(async c =>
            {
                var seqs = new List<(ulong, string)>();
                while (seqs.Count < Clients * PerClient)
                {
                    var m = (RoomMessage)await c.ExpectAsync(x => x is RoomMessage { Replay: false }, TimeSpan.FromSeconds(60));
                    seqs.Add((m.Seq, m.Text));
                }
                return seqs;
            }));
            foreach (var order in orders.Skip(1)) Assert.Equal(orders[0], order);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Private_messages_reach_the_recipient_and_echo_to_the_sender(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        await using var carol = await server.ConnectAsync("carol");

        await alice.SendAsync(new SendPrivate("BOB", "psst"));
        var received = await bob.ReceiveAsync<PrivateMessage>();
        var echo = await alice.ReceiveAsync<PrivateMessage>();
        Assert.Equal(("alice", "bob", "psst"), (received.From, received.To, received.Text));
        Assert.Equal(received, echo);
        Assert.DoesNotContain(await carol.BarrierAsync(), m => m is PrivateMessage);

        await alice.SendAsync(new SendPrivate("nobody", "hello?"));
        var error = await alice.ReceiveAsync<Error>();
        Assert.Equal(ErrorCode.NoSuchNick, error.Code);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Nick_collisions_are_refused_and_changes_are_announced(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");

        var collision = await Assert.ThrowsAsync<ServerErrorException>(() => server.ConnectAsync("ALICE"));
        Assert.Equal(ErrorCode.NickInUse, collision.Error.Code);
        var invalid = await Assert.ThrowsAsync<ServerErrorException>(() => server.ConnectAsync("9lives"));
        Assert.Equal(ErrorCode.InvalidNick, invalid.Error.Code);

        await bob.SendAsync(new ChangeNick("Alice"));
        Assert.Equal(ErrorCode.NickInUse, (await bob.ReceiveAsync<Error>()).Code);

        await bob.SendAsync(new ChangeNick("robert"));
        Assert.Equal(new NickChanged("bob", "robert"), await bob.ReceiveAsync<NickChanged>());
        var announced = (RoomEvent)await alice.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.NickChange });
        Assert.Equal(("#lobby", "bob", "robert"), (announced.Room, announced.Nick, announced.Detail));

        // The old nick is free again.
        await using var newBob = await server.ConnectAsync("bob");
        Assert.Equal("bob", newBob.Nick);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Rooms_topics_member_lists_and_away_status_work(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");

        await alice.SendAsync(new JoinRoom("#Dev"));
        var joined = await alice.ReceiveAsync<RoomJoined>(); // lobby first
        if (joined.Room == "#lobby") joined = await alice.ReceiveAsync<RoomJoined>();
        Assert.Equal("#dev", joined.Room);
        await alice.SendAsync(new SetTopic("#dev", "shipping"));
        await alice.SendAsync(new SetAway("lunch"));
        await alice.BarrierAsync();
        await bob.SendAsync(new JoinRoom("#dev"));
        var bobJoined = (RoomJoined)await bob.ExpectAsync(m => m is RoomJoined { Room: "#dev" });
        Assert.Equal("shipping", bobJoined.Topic);
        Assert.Equal(new Member[] { new("alice", "lunch"), new("bob", "") }, bobJoined.Members.ToArray());

        await bob.SendAsync(new ListRooms());
        var rooms = await bob.ReceiveAsync<RoomList>();
        Assert.Equal(new RoomInfo[] { new("#dev", 2, "shipping"), new("#lobby", 2, "") }, rooms.Rooms.ToArray());

        await bob.SendAsync(new PartRoom("#dev", "bye"));
        Assert.Equal(new RoomParted("#dev"), await bob.ReceiveAsync<RoomParted>());
        var part = (RoomEvent)await alice.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Part });
        Assert.Equal(("bob", "bye"), (part.Nick, part.Detail));

        await bob.SendAsync(new SendMessage("#dev", MessageKind.Say, "still here?"));
        Assert.Equal(ErrorCode.NotInRoom, (await bob.ReceiveAsync<Error>()).Code);
        await bob.SendAsync(new JoinRoom("bad room"));
        Assert.Equal(ErrorCode.InvalidRoom, (await bob.ReceiveAsync<Error>()).Code);

        await alice.SendAsync(new ListMembers("#dev"));
        Assert.Equal(new MemberList("#dev", new Member[] { new("alice", "lunch") }), await alice.ReceiveAsync<MemberList>());

        await alice.SendAsync(new SendMessage("#dev", MessageKind.Action, "waves"));
        var action = await alice.ReceiveAsync<RoomMessage>();
        Assert.Equal((MessageKind.Action, "waves", "alice"), (action.Kind, action.Text, action.From));

        await alice.SendAsync(new GetStats());
        var stats = await alice.ReceiveAsync<Stats>();
        Assert.Equal(mode.ToString().ToLowerInvariant(), stats.Mode);
        Assert.Contains(stats.Entries, e => e.Name == "connections" && e.Value == 2);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Joining_a_room_replays_its_recent_history(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        await alice.SendAsync(new JoinRoom("#dev"));
        for (int i = 1; i <= 3; i++) await alice.SendAsync(new SendMessage("#dev", MessageKind.Say, $"m{i}"));
        await alice.BarrierAsync();

        await using var bob = await server.ConnectAsync("bob");
        await bob.SendAsync(new JoinRoom("#dev"));
        var joined = (RoomJoined)await bob.ExpectAsync(m => m is RoomJoined { Room: "#dev" });
        var replay = await bob.CollectUntilAsync(m => m is HistoryEnd);
        var begin = Assert.IsType<HistoryBegin>(replay[0]);
        Assert.Equal(new HistoryBegin("#dev", 1, joined.LastSeq, 0), begin);
        var entries = replay.Skip(1).SkipLast(1).ToList();
        Assert.Equal(Enumerable.Range(1, (int)joined.LastSeq).Select(i => (ulong)i), entries.Select(SeqOf));
        Assert.Equal(new[] { "m1", "m2", "m3" }, entries.OfType<RoomMessage>().Select(m => m.Text));
        Assert.All(entries, e => Assert.True(e is RoomMessage { Replay: true } or RoomEvent { Replay: true }));
        Assert.Equal(new RoomEvent("#dev", joined.LastSeq, ((RoomEvent)entries[^1]).TimeMs, RoomEventKind.Join, "bob", "", true), entries[^1]);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_reconnect_with_token_and_cursor_catches_up_with_no_gap_and_no_duplicate(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.FloodRate = 0);
        await using var alice = await server.ConnectAsync("alice");
        var bob = await server.ConnectAsync("bob");
        var token = bob.Welcome!.Token;
        await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, "before"));
        var before = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Text: "before", Replay: false });
        await bob.DisposeAsync();

        await alice.SendManyAsync(Enumerable.Range(1, 5).Select(i => new SendMessage("#lobby", MessageKind.Say, $"missed {i}")));
        await alice.BarrierAsync();

        await using var back = await server.ConnectAsync("bob", token, [new RoomCursor("#lobby", before.Seq)]);
        Assert.True(back.Welcome!.Resumed);
        Assert.Equal("bob", back.Nick);
        var joined = await back.ReceiveAsync<RoomJoined>();
        var replay = await back.CollectUntilAsync(m => m is HistoryEnd);
        var begin = Assert.IsType<HistoryBegin>(replay[0]);
        Assert.Equal(new HistoryBegin("#lobby", before.Seq + 1, joined.LastSeq, 0), begin);
        var entries = replay.Skip(1).SkipLast(1).ToList();
        var expectedSeqs = Enumerable.Range(0, (int)(joined.LastSeq - before.Seq)).Select(i => before.Seq + 1 + (ulong)i);
        Assert.Equal(expectedSeqs, entries.Select(SeqOf));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"missed {i}"), entries.OfType<RoomMessage>().Select(m => m.Text));

        await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, "live"));
        var live = (RoomMessage)await back.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal(("live", joined.LastSeq + 1), (live.Text, live.Seq));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_cursor_older_than_the_history_buffer_reports_what_was_missed(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.HistorySize = 4;
            o.FloodRate = 0;
        });
        await using var alice = await server.ConnectAsync("alice");
        var bob = await server.ConnectAsync("bob");
        var token = bob.Welcome!.Token;
        var bobJoined = await bob.ReceiveAsync<RoomJoined>();
        await bob.DisposeAsync();
        await alice.SendManyAsync(Enumerable.Range(1, 10).Select(i => new SendMessage("#lobby", MessageKind.Say, $"m{i}")));
        await alice.BarrierAsync();

        await using var back = await server.ConnectAsync("bob", token, [new RoomCursor("#lobby", bobJoined.LastSeq)]);
        var joined = await back.ReceiveAsync<RoomJoined>();
        var begin = await back.ReceiveAsync<HistoryBegin>();
        var entries = (await back.CollectUntilAsync(m => m is HistoryEnd)).SkipLast(1).ToList();
        Assert.Equal(4, entries.Count);
        Assert.Equal(joined.LastSeq - 3, begin.FromSeq);
        Assert.Equal(begin.FromSeq - bobJoined.LastSeq - 1, begin.Missed);
        Assert.True(begin.Missed > 0);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Resuming_drops_the_ghost_session_at_once(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        await using var ghost = await server.ConnectAsync("bob");
        await using var resumed = await server.ConnectAsync("bob", ghost.Welcome!.Token);

        Assert.True(resumed.Welcome!.Resumed);
        Assert.Equal("bob", resumed.Nick);
        await ghost.ReceiveAsync<Bye>();
        await ghost.WaitClosedAsync();

        await alice.SendAsync(new SendPrivate("bob", "are you there?"));
        Assert.Equal("are you there?", (await resumed.ReceiveAsync<PrivateMessage>()).Text);
        // The rooms were not told anything: no quit for bob.
        Assert.DoesNotContain(await alice.BarrierAsync(), m => m is RoomEvent { Kind: RoomEventKind.Quit });
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_private_message_to_a_user_whose_connection_dropped_is_echoed_and_then_told_as_not_delivered(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        var bob = await server.ConnectAsync("bob");
        await bob.DisposeAsync();
        await Eventually.TrueAsync(() => server.Server.Core.FindUser("bob") is { Detached: true });

        await alice.SendAsync(new SendPrivate("bob", "still there?"));

        Assert.Equal("still there?", (await alice.ReceiveAsync<PrivateMessage>()).Text);
        var told = await alice.ReceiveAsync<Notice>();
        Assert.Equal(("", "bob's connection dropped before your message arrived (bob may be back in a moment): it was not delivered."), (told.Room, told.Text));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task An_unknown_token_starts_a_fresh_session_and_says_so(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var client = await server.ConnectAsync("dora", new ResumeToken(1, 2));
        Assert.False(client.Welcome!.Resumed);
        Assert.Equal(ErrorCode.ResumeRejected, (await client.ReceiveAsync<Error>()).Code);
        Assert.NotEqual(new ResumeToken(1, 2), client.Welcome.Token);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_dropped_session_keeps_its_nick_and_rooms_until_the_resume_window_ends(ServerMode mode)
    {
        // A manual clock: the window ends when the test says so, however slow a busy machine runs the steps before.
        var clock = new ManualTimeProvider();
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.TimeProvider = clock;
            o.ResumeWindow = TimeSpan.FromSeconds(60);
        });
        await using var alice = await server.ConnectAsync("alice");
        var bob = await server.ConnectAsync("bob");
        await alice.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "bob" });
        await bob.DisposeAsync();
        await Eventually.TrueAsync(() => server.Server.ConnectionCount == 1);

        // The rooms see nothing yet and the nick is held for the token holder.
        Assert.DoesNotContain(await alice.BarrierAsync(), m => m is RoomEvent);
        await alice.SendAsync(new ListMembers("#lobby"));
        Assert.Equal(2, (await alice.ReceiveAsync<MemberList>()).Members.Count);
        var held = await Assert.ThrowsAsync<ServerErrorException>(() => server.ConnectAsync("Bob"));
        Assert.Equal(ErrorCode.NickInUse, held.Error.Code);
        Assert.Contains("resume", held.Error.Text, StringComparison.Ordinal);

        // When the window ends the rooms see the quit and the nick is free.
        clock.Advance(TimeSpan.FromSeconds(61));
        var quit = (RoomEvent)await alice.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "bob" }, TimeSpan.FromSeconds(30));
        Assert.Equal("connection closed", quit.Detail);
        await using var newBob = await server.ConnectAsync("bob");
        Assert.False(newBob.Welcome!.Resumed);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Without_bind_the_server_accepts_ipv4_and_ipv6_clients_on_one_port(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.Bind = null);
        int port = server.Server.TcpEndPoint!.Port;
        await using var v4 = await TestChatClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), "four");
        Assert.Equal("four", v4.Nick);
        if (System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            await using var v6 = await TestChatClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, port), "six");
            await v6.SendAsync(new SendPrivate("four", "over v6"));
            Assert.Equal("over v6", (await v4.ReceiveAsync<PrivateMessage>()).Text);
        }
    }

    private static ulong SeqOf(Message message) => message switch
    {
        RoomMessage m => m.Seq,
        RoomEvent e => e.Seq,
        _ => throw new InvalidOperationException($"{message} is not a room entry"),
    };
}
