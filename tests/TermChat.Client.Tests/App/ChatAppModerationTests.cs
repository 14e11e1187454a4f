using NSubstitute;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.App;

/// <summary>Moderation in the client model: the commands it sends, what it refuses locally, the events as lines and the marks.</summary>
public sealed class ChatAppModerationTests
{
    private const long Time = 1_763_790_000_000;
    private readonly IChatSession _session = Substitute.For<IChatSession>();
    private readonly ChatApp _app;

    public ChatAppModerationTests()
    {
        _session.Nick.Returns("alice");
        _session.TransportName.Returns("TCP");
        _session.Server.Returns("127.0.0.1:7777");
        _app = new ChatApp(_session, new ChatAppOptions { TimeProvider = new ManualTimeProvider() });
    }

    [Theory]
    [InlineData("/kick bob spamming links", ModerationAction.Kick, "#ops", "bob", 0u, "spamming links")]
    [InlineData("/ban bob 2h abuse", ModerationAction.Ban, "", "bob", 7200u, "abuse")]
    [InlineData("/ban 192.0.2.0/24", ModerationAction.Ban, "", "192.0.2.0/24", 0u, "")]
    [InlineData("/ban SHA256:abc forever, then", ModerationAction.Ban, "", "SHA256:abc", 0u, "forever, then")]
    [InlineData("/unban bob", ModerationAction.Unban, "", "bob", 0u, "")]
    [InlineData("/mute bob 10m calm down", ModerationAction.Mute, "#ops", "bob", 600u, "calm down")]
    [InlineData("/mute bob", ModerationAction.Mute, "#ops", "bob", 0u, "")]
    [InlineData("/unmute bob", ModerationAction.Unmute, "#ops", "bob", 0u, "")]
    [InlineData("/voice bob", ModerationAction.Voice, "#ops", "bob", 0u, "")]
    [InlineData("/devoice bob", ModerationAction.Devoice, "#ops", "bob", 0u, "")]
    [InlineData("/invite bob", ModerationAction.Invite, "#ops", "bob", 0u, "")]
    [InlineData("/mode +m", ModerationAction.Moderated, "#ops", "", 0u, "")]
    [InlineData("/mode -t", ModerationAction.UnlockTopic, "#ops", "", 0u, "")]
    [InlineData("/key s3cret", ModerationAction.SetKey, "#ops", "s3cret", 0u, "")]
    [InlineData("/key -", ModerationAction.ClearKey, "#ops", "", 0u, "")]
    [InlineData("/nick --release", ModerationAction.ReleaseNick, "", "", 0u, "")]
    public async Task A_moderation_command_sends_its_moderate_frame(string line, ModerationAction action, string room, string target, uint seconds, string reason)
    {
        Connect();

        var result = await _app.SubmitAsync(line, CancellationToken.None);

        Assert.Empty(result.Entries);
        await _session.Received(1).SendAsync(new Moderate(action, room, target, seconds, reason), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Joining_with_a_key_sends_join_keyed()
    {
        Connect();

        var result = await _app.SubmitAsync("/join #vault open-sesame", CancellationToken.None);

        Assert.Equal("#vault", result.Joining);
        await _session.Received(1).SendAsync(new JoinKeyed("#vault", "open-sesame"), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("/kick", "usage: /kick NICK [REASON]")]
    [InlineData("/mode +x", "unknown mode +x: +i/-i invite-only, +m/-m moderated, +t/-t topic lock (a key is /key KEY or /key -)")]
    public async Task A_malformed_moderation_command_is_explained_and_nothing_is_sent(string line, string start)
    {
        Connect();

        var result = await _app.SubmitAsync(line, CancellationToken.None);

        Assert.StartsWith(start, Assert.Single(result.Entries).Text, StringComparison.Ordinal);
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public async Task A_server_of_protocol_two_has_no_moderation_and_the_client_says_so()
    {
        Connect(version: 2);

        var kick = await _app.SubmitAsync("/kick bob", CancellationToken.None);
        var release = await _app.SubmitAsync("/nick --release", CancellationToken.None);

        Assert.Equal("/kick is unavailable: this server speaks protocol version 2, which has no moderation", Assert.Single(kick.Entries).Text);
        Assert.Equal("/nick --release is unavailable: this server speaks protocol version 2, which has no nick ownership", Assert.Single(release.Entries).Text);
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public void A_kick_is_a_line_and_takes_the_member_off_the_list()
    {
        Connect();
        Apply(new RoomEvent("#ops", 2, Time, RoomEventKind.Join, "bob", "", false));

        var lines = Apply(new RoomEvent("#ops", 3, Time, RoomEventKind.Kick, "oper", "bob spamming links", false));

        Assert.Equal("oper kicked bob from #ops (spamming links)", Assert.Single(lines).Text);
        Assert.DoesNotContain(_app.Rooms.Single(r => r.Name == "#ops").Members, m => m.Nick == "bob");
    }

    [Fact]
    public void Room_modes_give_the_room_its_marks_and_the_members_theirs()
    {
        Connect();

        Apply(new RoomModes("#ops", RoomModeFlags.Key | RoomModeFlags.TopicLocked, new[] { "oper" }, new[] { "bob" }));
        var mode = Apply(new RoomEvent("#ops", 2, Time, RoomEventKind.Mode, "oper", "+k", false));

        var room = _app.Rooms.Single(r => r.Name == "#ops");
        Assert.Equal("kt", room.ModeMarks);
        Assert.Equal(("@", "+", ""), (room.MarkOf("OPER"), room.MarkOf("bob"), room.MarkOf("alice")));
        Assert.Equal("oper set mode +k on #ops (joining needs a key)", Assert.Single(mode).Text);
    }

    [Fact]
    public async Task Names_shows_the_room_marks_and_each_members_mark()
    {
        Connect();
        Apply(new RoomModes("#ops", RoomModeFlags.InviteOnly | RoomModeFlags.Key, new[] { "oper" }, new[] { "bob" }));

        await _app.SubmitAsync("/names", CancellationToken.None);
        var names = Apply(new MemberList("#ops", new[] { new Member("oper", ""), new Member("bob", "lunch"), new Member("alice", "") }));

        Assert.Equal("#ops (+ki): 3 members: @oper, +bob (away: lunch), alice", Assert.Single(names).Text);
    }

    [Theory]
    [InlineData("90s", 90u)]
    [InlineData("10m", 600u)]
    [InlineData("2H", 7200u)]
    [InlineData("7d", 604800u)]
    public void A_duration_is_a_number_and_a_unit(string text, uint seconds)
    {
        Assert.True(ChatApp.TryDuration(text, out uint parsed));
        Assert.Equal(seconds, parsed);
    }

    [Theory]
    [InlineData("spam")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("99999999d")]
    public void Anything_else_is_not_a_duration_but_the_reason(string text)
    {
        Assert.False(ChatApp.TryDuration(text, out _));
    }

    private IReadOnlyList<ChatEntry> Apply(params Message[] messages) =>
        messages.SelectMany(m => _app.Apply(new ServerMessageEvent(m))).ToList();

    private void Connect(ushort version = ProtocolLimits.Version)
    {
        Apply(new Welcome(version, "alice", new ResumeToken(1, 2), false, "test", "async", 15, ""));
        Apply(new RoomJoined("#ops", "", 0, new[] { new Member("alice", "") }), new HistoryBegin("#ops", 1, 0, 0), new HistoryEnd("#ops"));
    }
}
