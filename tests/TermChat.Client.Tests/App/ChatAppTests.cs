using NSubstitute;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.TestKit.Server;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.App;

public sealed class ChatAppTests
{
    private readonly IChatSession _session = Substitute.For<IChatSession>();
    private readonly ChatApp _app;

    public ChatAppTests()
    {
        _session.Nick.Returns("alice");
        _session.TransportName.Returns("TCP");
        _session.Server.Returns("127.0.0.1:7777");
        _app = new ChatApp(_session, new ChatAppOptions { TimeProvider = new ManualTimeProvider(), Transports = ["tcp", "udp"] });
        Apply(new Welcome(ProtocolLimits.Version, "alice", new ResumeToken(1, 2), false, "test", "async", 15, ""));
    }

    private IReadOnlyList<ChatEntry> Apply(params Message[] messages) =>
        messages.SelectMany(m => _app.Apply(new ServerMessageEvent(m))).ToList();

    private void Join(string room, params string[] members) =>
        Apply(new RoomJoined(room, "", 0, members.Select(m => new Member(m, "")).ToArray()), new HistoryBegin(room, 1, 0, 0), new HistoryEnd(room));

    private static RoomMessage Say(string room, ulong seq, string from, string text, bool replay = false) =>
        new(room, seq, 1_700_000_000_000, from, MessageKind.Say, text, replay);

    private async Task<SubmitResult> SubmitAsync(string line) => await _app.SubmitAsync(line, CancellationToken.None);

    [Fact]
    public async Task A_plain_line_is_a_message_to_the_current_room()
    {
        Join("#lobby", "alice");

        await SubmitAsync("hello there");

        await _session.Received(1).SendAsync(new SendMessage("#lobby", MessageKind.Say, "hello there"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_double_slash_sends_a_message_that_starts_with_a_slash()
    {
        Join("#lobby", "alice");

        await SubmitAsync("//etc/passwd is a path");

        await _session.Received(1).SendAsync(new SendMessage("#lobby", MessageKind.Say, "/etc/passwd is a path"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Typing_before_any_room_is_joined_explains_what_to_do_and_sends_nothing()
    {
        var result = await SubmitAsync("hello?");

        Assert.Equal(["you are not in a room yet: /join #room first"], result.Entries.Select(e => e.Text));
        Assert.Equal(EntryKind.Error, result.Entries[0].Kind);
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Theory]
    [InlineData("/join dev", "JoinRoom { Type = JoinRoom, Room = #dev }")]
    [InlineData("/join #dev", "JoinRoom { Type = JoinRoom, Room = #dev }")]
    [InlineData("/part", "PartRoom { Type = PartRoom, Room = #lobby, Reason =  }")]
    [InlineData("/part #lobby see you", "PartRoom { Type = PartRoom, Room = #lobby, Reason = see you }")]
    [InlineData("/nick bob2", "ChangeNick { Type = ChangeNick, Nick = bob2 }")]
    [InlineData("/msg bob psst there", "SendPrivate { Type = SendPrivate, To = bob, Text = psst there }")]
    [InlineData("/me waves", "SendMessage { Type = SendMessage, Room = #lobby, Kind = Action, Text = waves }")]
    [InlineData("/names", "ListMembers { Type = ListMembers, Room = #lobby }")]
    [InlineData("/names #dev", "ListMembers { Type = ListMembers, Room = #dev }")]
    [InlineData("/rooms", "ListRooms { Type = ListRooms }")]
    [InlineData("/topic release friday", "SetTopic { Type = SetTopic, Room = #lobby, Topic = release friday }")]
    [InlineData("/away lunch", "SetAway { Type = SetAway, Reason = lunch }")]
    [InlineData("/away", "SetAway { Type = SetAway, Reason = away }")]
    [InlineData("/back", "SetAway { Type = SetAway, Reason =  }")]
    [InlineData("/stats", "GetStats { Type = GetStats }")]
    [InlineData("/JOIN #Caps", "JoinRoom { Type = JoinRoom, Room = #Caps }")]
    public async Task Commands_send_the_matching_protocol_message(string line, string expected)
    {
        Join("#lobby", "alice");
        var sent = new List<Message>();
        _session.SendAsync(Arg.Do<Message>(sent.Add), Arg.Any<CancellationToken>()).Returns(ValueTask.CompletedTask);

        var result = await SubmitAsync(line);

        Assert.Equal([expected], sent.Select(m => m.ToString()));
        Assert.Empty(result.Entries);
    }

    [Theory]
    [InlineData("/nick", "usage: /nick NAME|--release (change your nick; --release gives up your key's claim on it)")]
    [InlineData("/nick two words", "usage: /nick NAME|--release (change your nick; --release gives up your key's claim on it)")]
    [InlineData("/msg bob", "usage: /msg NICK TEXT (send a private message)")]
    [InlineData("/join", "usage: /join #room [KEY] (join a room (created if new) and switch to it; KEY for a room with a key)")]
    [InlineData("/me", "usage: /me ACTION (act in the current room, e.g. /me waves)")]
    [InlineData("/part #nowhere", "you are not in #nowhere")]
    [InlineData("/transport carrier-pigeon", "unknown transport 'carrier-pigeon': use /transport tcp|udp")]
    [InlineData("/jion #dev", "unknown command /jion (did you mean /join?); /help lists the commands, and // sends a line starting with /")]
    [InlineData("/quti", "unknown command /quti (did you mean /mute or /quit?); /help lists the commands, and // sends a line starting with /")]
    [InlineData("/xyzzy", "unknown command /xyzzy; /help lists the commands, and // sends a line starting with /")]
    public async Task Usage_errors_and_unknown_commands_explain_themselves_and_send_nothing(string line, string expected)
    {
        Join("#lobby", "alice");

        var result = await SubmitAsync(line);

        Assert.Equal([expected], result.Entries.Select(e => e.Text));
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_locally()
    {
        Join("#lobby", "alice");

        var result = await SubmitAsync(new string('é', 5000));

        Assert.Equal(["message too long: 10000 bytes, the limit is 8192"], result.Entries.Select(e => e.Text));
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public async Task Joining_switches_to_the_new_room_when_the_server_confirms()
    {
        Join("#lobby", "alice");
        await SubmitAsync("/join #dev");
        Assert.Equal("#lobby", _app.CurrentRoom!.Name);

        var entries = Apply(new RoomJoined("#dev", "build stuff", 4, new[] { new Member("alice", ""), new Member("bob", "lunch") }));

        Assert.Equal("#dev", _app.CurrentRoom!.Name);
        Assert.Equal("#dev", _app.Status.Room);
        Assert.Equal(["#lobby", "#dev"], _app.Rooms.Select(r => r.Name));
        Assert.Equal([new Member("alice", ""), new Member("bob", "lunch")], _app.CurrentRoom.Members);
        Assert.Equal(["you joined #dev (2 members)", "build stuff"], entries.Select(e => e.Text));
    }

    [Fact]
    public async Task Switching_to_the_transport_in_use_says_so_and_does_nothing()
    {
        var result = await SubmitAsync("/transport tcp");

        Assert.Equal(["already connected over TCP"], result.Entries.Select(e => e.Text));
        await _session.DidNotReceiveWithAnyArgs().SwitchTransportAsync(default!, default);
    }

    [Fact]
    public async Task Quit_asks_the_session_to_say_goodbye_with_the_reason()
    {
        var result = await SubmitAsync("/quit gotta go");

        Assert.True(result.Quit);
        await _session.Received(1).QuitAsync("gotta go", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Transport_switch_goes_to_the_session_and_a_failure_is_shown()
    {
        _session.SwitchTransportAsync("udp", Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new ArgumentException("the UDP transport is not available; available: tcp")));

        var result = await SubmitAsync("/transport UDP");

        await _session.Received(1).SwitchTransportAsync("udp", Arg.Any<CancellationToken>());
        Assert.Equal(["switching to UDP...", "could not switch to UDP: the UDP transport is not available; available: tcp"], result.Entries.Select(e => e.Text));
    }

    [Fact]
    public void Messages_in_other_rooms_count_as_unread_and_mentions_and_the_marker_shows_where_you_left()
    {
        Join("#lobby", "alice", "bob");
        Join("#dev", "alice", "bob");
        _app.SelectRoom("#dev");
        Apply(Say("#lobby", 1, "bob", "seen before leaving"));
        _app.SelectRoom("#lobby");
        long lastSeen = _app.CurrentRoom!.Entries[^1].Id;
        _app.SelectRoom("#dev");

        Apply(Say("#lobby", 2, "bob", "anyone?"), Say("#lobby", 3, "bob", "Alice: ping"), Say("#lobby", 4, "bob", "alicex is not you"));

        var lobby = _app.Rooms.Single(r => r.Name == "#lobby");
        Assert.Equal((3, 1), (lobby.UnreadCount, lobby.MentionCount));
        _app.SelectRoom("#lobby");
        Assert.Equal((0, 0), (lobby.UnreadCount, lobby.MentionCount));
        Assert.Equal(lastSeen, lobby.UnreadMarkerAfterId);
        Assert.Equal([false, true, false], lobby.Entries.Where(e => e.Id > lastSeen).Select(e => e.IsMention));
    }

    [Fact]
    public void A_room_never_opened_marks_the_first_unread_line_after_what_came_before_it()
    {
        Join("#lobby", "alice", "bob");
        Join("#dev", "alice", "bob");
        var dev = _app.Rooms.Single(r => r.Name == "#dev");
        Assert.NotSame(dev, _app.CurrentRoom);
        long beforeUnread = dev.Entries[^1].Id;

        Apply(Say("#dev", 1, "bob", "first unread"), Say("#dev", 2, "bob", "second unread"));
        _app.SelectRoom("#dev");

        Assert.Equal(beforeUnread, dev.UnreadMarkerAfterId);
        Assert.Equal(["first unread", "second unread"], dev.Entries.Where(e => e.Id > beforeUnread).Select(e => e.Text));
    }

    [Fact]
    public void History_replayed_on_first_join_does_not_count_as_unread()
    {
        Join("#lobby", "alice");
        Apply(
            new RoomJoined("#old", "", 2, new[] { new Member("alice", "") }),
            new HistoryBegin("#old", 1, 2, 0),
            Say("#old", 1, "bob", "old news", replay: true),
            Say("#old", 2, "bob", "alice: older mention", replay: true),
            new HistoryEnd("#old"));
        _app.SelectRoom("#lobby");

        Assert.Equal((0, 0), (_app.Rooms.Single(r => r.Name == "#old").UnreadCount, _app.Rooms.Single(r => r.Name == "#old").MentionCount));
    }

    [Fact]
    public void A_flood_delay_is_a_notice_and_other_server_errors_are_errors()
    {
        var entries = Apply(
            new Error(ErrorCode.Flood, "your messages are delayed, not dropped."),
            new Error(ErrorCode.NoSuchNick, "zed"));

        Assert.Equal(
            [(EntryKind.Notice, "slow down: your messages are delayed, not dropped."), (EntryKind.Error, "no such nick: zed")],
            entries.Select(e => (e.Kind, e.Text)));
    }

    [Fact]
    public void Missed_history_is_reported_as_messages_no_longer_available()
    {
        Join("#lobby", "alice");

        var entries = Apply(new HistoryBegin("#lobby", 40, 60, 12));

        Assert.Equal([(EntryKind.History, "#lobby", "12 older messages are no longer available")], entries.Select(e => (e.Kind, e.Room, e.Text)));
    }

    [Fact]
    public void Room_events_keep_members_topic_and_away_current()
    {
        Join("#lobby", "alice", "bob");

        var entries = Apply(
            new RoomEvent("#lobby", 1, 0, RoomEventKind.Join, "carol", "", false),
            new RoomEvent("#lobby", 2, 0, RoomEventKind.NickChange, "bob", "robert", false),
            new RoomEvent("#lobby", 3, 0, RoomEventKind.Away, "carol", "lunch", false),
            new RoomEvent("#lobby", 4, 0, RoomEventKind.Topic, "robert", "ship it", false),
            new RoomEvent("#lobby", 5, 0, RoomEventKind.Part, "robert", "bye", false),
            new RoomEvent("#lobby", 6, 0, RoomEventKind.Join, "dave", "", true));

        var lobby = _app.CurrentRoom!;
        Assert.Equal([new Member("alice", ""), new Member("carol", "lunch")], lobby.Members);
        Assert.Equal("ship it", lobby.Topic);
        Assert.Equal(
            ["carol joined #lobby", "bob is now known as robert", "carol is away: lunch", "robert set the topic: ship it", "robert left #lobby (bye)", "dave joined #lobby"],
            entries.Select(e => e.Text));
    }

    [Fact]
    public async Task Private_messages_open_a_conversation_where_plain_lines_go_back_to_the_peer()
    {
        Join("#lobby", "alice");

        var entries = Apply(new PrivateMessage("bob", "alice", 0, "psst"));
        var conversation = _app.Rooms.Single(r => r.IsPrivate);
        Assert.Equal(("bob", 1, 1), (conversation.Name, conversation.UnreadCount, conversation.MentionCount));
        Assert.True(entries.Single().IsMention);

        _app.SelectRoom("bob");
        await SubmitAsync("hi back");

        await _session.Received(1).SendAsync(new SendPrivate("bob", "hi back"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public void Our_own_echoed_private_message_files_under_the_recipient()
    {
        Apply(new PrivateMessage("alice", "bob", 0, "hello bob"));

        var conversation = _app.Rooms.Single();
        Assert.Equal(("bob", 0), (conversation.Name, conversation.UnreadCount));
        Assert.True(conversation.Entries.Single().IsOwn);
    }

    [Fact]
    public void Connection_states_after_the_first_connect_are_shown_and_update_the_status()
    {
        _app.Apply(new ConnectionStateEvent(new Connected("TCP", "127.0.0.1:7777", false)));
        var entries = _app.Apply(new ConnectionStateEvent(new Reconnecting(2, TimeSpan.FromSeconds(4), "connection refused")));

        Assert.Equal(["connection refused; reconnecting (attempt 2, next in 4 s)"], entries.Select(e => e.Text));
        Assert.Equal(new Reconnecting(2, TimeSpan.FromSeconds(4), "connection refused"), _app.Status.State);
    }

    [Fact]
    public void Changed_is_raised_for_each_applied_change()
    {
        int changes = 0;
        _app.Changed += () => changes++;

        Join("#lobby", "alice");
        _app.Apply(new LinkStatsEvent(new TermChat.Client.Transports.LinkStats(12.5, null)));

        Assert.Equal(2, changes);
        Assert.Equal(12.5, _app.Status.RttMs);
    }

    [Theory]
    [InlineData("/jo", 0, 3, new[] { "/join " })]
    [InlineData("/", 0, 1, new[] { "/join ", "/part ", "/nick ", "/msg ", "/me ", "/names ", "/rooms ", "/topic ", "/search ", "/away ", "/back ", "/kick ", "/ban ", "/unban ", "/mute ", "/unmute ", "/voice ", "/devoice ", "/invite ", "/mode ", "/key ", "/stats ", "/netcheck ", "/transport ", "/clear ", "/help ", "/quit " })]
    [InlineData("bo", 0, 2, new[] { "bob: ", "Bobby: " })]
    [InlineData("hi bo", 3, 2, new[] { "bob", "Bobby" })]
    [InlineData("hi @bo", 3, 3, new[] { "@bob", "@Bobby" })]
    [InlineData("al", 0, 2, new string[0])]
    [InlineData("see #d", 4, 2, new[] { "#dev" })]
    public void Completion_offers_commands_nicks_and_rooms(string text, int start, int length, string[] candidates)
    {
        Join("#dev", "alice");
        Join("#lobby", "alice", "bob", "Bobby", "carol");
        _app.SelectRoom("#lobby");

        var completion = _app.Complete(text, text.Length);

        Assert.Equal((start, length), (completion.Start, completion.Length));
        Assert.Equal(candidates, completion.Candidates);
    }

    [Theory]
    [InlineData("hey alice", true)]
    [InlineData("ALICE: look", true)]
    [InlineData("@alice!", true)]
    [InlineData("malice aforethought", false)]
    [InlineData("alice_2 is someone else", false)]
    [InlineData("", false)]
    public void Mentions_match_the_nick_as_a_whole_word_ignoring_case(string text, bool expected) =>
        Assert.Equal(expected, Mentions.Contains(text, "alice"));
}
