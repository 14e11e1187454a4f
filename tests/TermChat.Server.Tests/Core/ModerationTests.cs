using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.History;
using TermChat.Server.Storage;

namespace TermChat.Server.Tests.Core;

/// <summary>
/// Operators known by their keys kick, ban, mute and set room modes; everyone else is refused with a reason, and
/// every action is a room event the members see.
/// </summary>
public sealed class ModerationTests : IDisposable
{
    private const string OpKey = "SHA256:operator";
    private const string UserKey = "SHA256:user";
    private readonly string _directory = Directory.CreateTempSubdirectory("termchat-moderation-").FullName;
    private readonly List<IDisposable> _disposables = [];
    private readonly ServerOptions _options = new() { FloodRate = 0, Operators = new HashSet<string> { OpKey } };
    private ChatCore _core;

    public ModerationTests()
    {
        _core = NewCore(store: null);
    }

    [Fact]
    public void A_non_operator_is_refused_every_moderation_action_with_a_reason()
    {
        var (_, _) = Join("bob", UserKey, "#dev");
        var (mallory, sink) = Join("mallory", UserKey + "2", "#dev");
        var (keyless, keylessSink) = Join("eve", null, "#dev");

        foreach (var action in Enum.GetValues<ModerationAction>().Where(a => a != ModerationAction.ReleaseNick))
        {
            _core.Moderate(mallory, action, "#dev", "bob", 0, "");
        }
        _core.Moderate(keyless, ModerationAction.Kick, "#dev", "bob", 0, "");

        sink.Received(16).Error(ErrorCode.NotOperator, Arg.Is<string>(text => text.EndsWith("your key is not one of theirs.", StringComparison.Ordinal)));
        keylessSink.Received(1).Error(ErrorCode.NotOperator, "Only the server's operators may kick, and they are known by their keys: this client has none.");
        Assert.Equal(0, _core.BanCount);
    }

    [Fact]
    public void An_operator_kicks_a_member_who_leaves_the_room_and_everyone_sees_the_kick()
    {
        var (op, opSink) = Join("oper", OpKey, "#dev");
        var (bob, bobSink) = Join("bob", UserKey, "#dev");
        var (_, carolSink) = Join("carol", null, "#dev");

        _core.Moderate(op, ModerationAction.Kick, "#dev", "BOB", 0, "spamming");

        var kick = carolSink.Events().Single(e => e.EventKind == RoomEventKind.Kick);
        Assert.Equal(("#dev", "oper", "bob spamming"), (kick.Room, kick.Nick, kick.Text));
        bobSink.Received(1).Notice("oper kicked you from #dev: spamming");
        bobSink.Received(1).Parted("#dev");
        Assert.DoesNotContain(bob.Rooms, room => room.Name == "#dev");
        _core.Say(bob, "#dev", MessageKind.Say, "still here?");
        bobSink.Received(1).Error(ErrorCode.NotInRoom, Arg.Any<string>());
        opSink.DidNotReceive().Error(Arg.Any<ErrorCode>(), Arg.Any<string>());
    }

    [Fact]
    public void A_ban_by_nick_ends_the_session_shows_in_its_rooms_and_refuses_it_and_its_look_alikes_until_lifted()
    {
        var (op, _) = Join("oper", OpKey, "#dev");
        var (_, bobSink) = Join("bob", UserKey, "#dev");
        var (_, carolSink) = Join("carol", null, "#dev");

        _core.Moderate(op, ModerationAction.Ban, "", "bob", 0, "abuse");

        // In each of bob's rooms, instead of a quit.
        var bans = carolSink.Events().Where(e => e.EventKind == RoomEventKind.Ban).ToList();
        Assert.Equal(["#lobby", "#dev"], bans.Select(e => e.Room));
        Assert.All(bans, ban => Assert.Equal(("oper", "bob abuse"), (ban.Nick, ban.Text)));
        Assert.DoesNotContain(carolSink.Events(), e => e.EventKind == RoomEventKind.Quit);
        bobSink.Received(1).Removed(ErrorCode.Banned, "You are banned from this server by oper: abuse. The ban lasts until an operator lifts it.");
        var again = Register("bob", UserKey);
        Assert.Equal(ErrorCode.Banned, again.Refusal);
        Assert.Equal((ErrorCode.Banned, ErrorCode.Banned), (Register("BOB", null).Refusal, Register("b0b", null).Refusal));

        _core.Moderate(op, ModerationAction.Unban, "", "bob", 0, "");
        Assert.NotNull(Register("bob", UserKey).Session);
    }

    [Fact]
    public void A_ban_by_key_or_by_address_block_refuses_any_nick_from_it_and_a_timed_ban_lapses()
    {
        var clock = new TermChat.TestKit.Server.ManualTimeProvider();
        _options.TimeProvider = clock;
        _core = NewCore(store: null);
        var (op, _) = Join("oper", OpKey, "#dev");

        _core.Moderate(op, ModerationAction.Ban, "", UserKey, 60, "cool off");
        _core.Moderate(op, ModerationAction.Ban, "", "192.0.2.0/24", 0, "");

        var byKey = Register("anyone", UserKey);
        Assert.Equal(ErrorCode.Banned, byKey.Refusal);
        Assert.EndsWith("The ban lapses in 1 min.", byKey.Problem, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Banned, _core.Register(Substitute.For<ISessionSink>(), "other", ResumeToken.None, [], null, IPAddress.Parse("192.0.2.77")).Refusal);
        Assert.NotNull(_core.Register(Substitute.For<ISessionSink>(), "fine", ResumeToken.None, [], null, IPAddress.Parse("198.51.100.1")).Session);

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.NotNull(Register("anyone", UserKey).Session);
    }

    [Fact]
    public void A_ban_survives_a_restart_on_the_same_data_file()
    {
        string path = Path.Combine(_directory, "chat.db");
        var store = OpenStore(path);
        _core = NewCore(store);
        var (op, _) = Join("oper", OpKey, "#dev");
        _core.Moderate(op, ModerationAction.Ban, "", "bob", 0, "abuse");
        store.Dispose();

        _core = NewCore(OpenStore(path));

        Assert.Equal(1, _core.BanCount);
        Assert.Equal(ErrorCode.Banned, Register("bob", null).Refusal);
    }

    [Fact]
    public void A_muted_member_cannot_speak_until_unmuted_and_the_room_sees_both()
    {
        var (op, _) = Join("oper", OpKey, "#dev");
        var (bob, bobSink) = Join("bob", UserKey, "#dev");
        var (_, carolSink) = Join("carol", null, "#dev");

        _core.Moderate(op, ModerationAction.Mute, "#dev", "bob", 600, "calm down");
        _core.Say(bob, "#dev", MessageKind.Say, "but");
        _core.Moderate(op, ModerationAction.Unmute, "#dev", "bob", 0, "");
        _core.Say(bob, "#dev", MessageKind.Say, "thanks");

        bobSink.Received(1).Error(ErrorCode.Muted, "You are muted in #dev for another 600 s.");
        Assert.Equal(["bob for 10 min: calm down", "bob"], carolSink.Events().Where(e => e.EventKind is RoomEventKind.Mute or RoomEventKind.Unmute).Select(e => e.Text));
        Assert.Equal(["thanks"], carolSink.Messages().Select(e => e.Text));
    }

    [Fact]
    public void In_a_moderated_room_only_operators_and_voiced_members_speak()
    {
        var (op, _) = Join("oper", OpKey, "#dev");
        var (bob, bobSink) = Join("bob", UserKey, "#dev");
        var (_, carolSink) = Join("carol", null, "#dev");

        _core.Moderate(op, ModerationAction.Moderated, "#dev", "", 0, "");
        _core.Say(bob, "#dev", MessageKind.Say, "hello?");
        _core.Moderate(op, ModerationAction.Voice, "#dev", "bob", 0, "");
        _core.Say(bob, "#dev", MessageKind.Say, "voiced");
        _core.Say(op, "#dev", MessageKind.Say, "op speaks");

        bobSink.Received(1).Error(ErrorCode.Muted, "#dev is moderated: only operators and members with voice speak.");
        Assert.Equal(["voiced", "op speaks"], carolSink.Messages().Select(e => e.Text));
        Assert.Equal(["+m", "bob"], carolSink.Events().Where(e => e.EventKind is RoomEventKind.Mode or RoomEventKind.Voice).Select(e => e.Text));
        carolSink.Received().Modes("#dev", RoomModeFlags.Moderated, Arg.Is<IReadOnlyList<string>>(ops => ops.SequenceEqual(new[] { "oper" })),
            Arg.Is<IReadOnlyList<string>>(voiced => voiced.SequenceEqual(new[] { "bob" })));
    }

    [Fact]
    public void A_locked_topic_is_set_only_by_operators()
    {
        var (op, _) = Join("oper", OpKey, "#dev");
        var (bob, bobSink) = Join("bob", UserKey, "#dev");

        _core.Moderate(op, ModerationAction.LockTopic, "#dev", "", 0, "");
        _core.SetTopic(bob, "#dev", "mine");
        _core.SetTopic(op, "#dev", "the rules");

        bobSink.Received(1).Error(ErrorCode.NotOperator, "The topic of #dev is locked: only operators set it.");
        Assert.Equal(["the rules"], bobSink.Events().Where(e => e.EventKind == RoomEventKind.Topic).Select(e => e.Text));
    }

    [Fact]
    public void An_invite_only_room_admits_the_invited_and_a_keyed_room_those_with_its_key()
    {
        var (op, _) = Join("oper", OpKey, "#ops");
        var (bob, bobSink) = Join("bob", UserKey, "#lobby");
        var (carol, carolSink) = Join("carol", null, "#lobby");

        _core.Moderate(op, ModerationAction.InviteOnly, "#ops", "", 0, "");
        _core.Join(bob, "#ops");
        _core.Moderate(op, ModerationAction.Invite, "#ops", "bob", 0, "");
        _core.Join(bob, "#ops");
        _core.Moderate(op, ModerationAction.NotInviteOnly, "#ops", "", 0, "");
        _core.Moderate(op, ModerationAction.SetKey, "#ops", "s3cret", 0, "");
        _core.Join(carol, "#ops");
        _core.Join(carol, "#ops", "guess");
        _core.Join(carol, "#ops", "s3cret");

        bobSink.Received(1).Error(ErrorCode.InviteOnly, "#ops is invite-only: ask an operator to invite you.");
        bobSink.Received(1).Notice("oper invites you to #ops: /join #ops");
        Assert.Contains(bob.Rooms, room => room.Name == "#ops");
        carolSink.Received(1).Error(ErrorCode.BadPassword, "#ops needs a key: /join #ops KEY.");
        carolSink.Received(1).Error(ErrorCode.BadPassword, "That is not the key of #ops.");
        Assert.Contains(carol.Rooms, room => room.Name == "#ops");
        Assert.DoesNotContain(bobSink.Events(), e => e.Text.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_keyed_room_that_empties_keeps_its_key_so_its_kept_history_stays_closed()
    {
        var store = OpenStore(Path.Combine(_directory, "chat.db"));
        _core = NewCore(store);
        var (op, _) = Join("oper", OpKey, "#ops");
        _core.Moderate(op, ModerationAction.SetKey, "#ops", "s3cret", 0, "");
        _core.Moderate(op, ModerationAction.Moderated, "#ops", "", 0, "");
        _core.Say(op, "#ops", MessageKind.Say, "the launch code is 0000");
        _core.Part(op, "#ops", "");
        var (carol, carolSink) = Join("carol", null, "#lobby");

        _core.Join(carol, "#ops");

        carolSink.Received(1).Error(ErrorCode.BadPassword, "#ops needs a key: /join #ops KEY.");
        Assert.DoesNotContain(carol.Rooms, room => room.Name == "#ops");
        Assert.DoesNotContain(carolSink.ReceivedCalls(), call => call.GetArguments().Any(a => a?.ToString()?.Contains("launch code", StringComparison.Ordinal) == true));
        _core.Join(carol, "#ops", "s3cret");
        Assert.Contains(carol.Rooms, room => room.Name == "#ops");
        _core.Say(carol, "#ops", MessageKind.Say, "hello?");
        carolSink.Received(1).Error(ErrorCode.Muted, "#ops is moderated: only operators and members with voice speak.");
    }

    [Fact]
    public void Room_modes_and_keys_survive_a_restart_on_the_same_data_file()
    {
        string path = Path.Combine(_directory, "chat.db");
        var store = OpenStore(path);
        _core = NewCore(store);
        var (op, _) = Join("oper", OpKey, "#ops");
        _core.Moderate(op, ModerationAction.SetKey, "#ops", "s3cret", 0, "");
        _core.Join(op, "#vip");
        _core.Moderate(op, ModerationAction.InviteOnly, "#vip", "", 0, "");
        _core.Moderate(op, ModerationAction.LockTopic, "#ops", "", 0, "");
        store.Dispose();

        _core = NewCore(OpenStore(path));
        var (bob, bobSink) = Join("bob", UserKey, "#lobby");
        _core.Join(bob, "#ops");
        _core.Join(bob, "#vip");
        _core.Join(bob, "#ops", "s3cret");
        _core.SetTopic(bob, "#ops", "mine now");

        bobSink.Received(1).Error(ErrorCode.BadPassword, "#ops needs a key: /join #ops KEY.");
        bobSink.Received(1).Error(ErrorCode.InviteOnly, "#vip is invite-only: ask an operator to invite you.");
        Assert.Equal(["#lobby", "#ops"], bob.Rooms.Select(room => room.Name));
        bobSink.Received(1).Error(ErrorCode.NotOperator, "The topic of #ops is locked: only operators set it.");
    }

    [Fact]
    public void A_server_password_is_required_at_registration()
    {
        _options.Password = "letmein";
        _core = NewCore(store: null);

        var none = _core.Register(Substitute.For<ISessionSink>(), "bob", ResumeToken.None, [], null, null, "");
        var wrong = _core.Register(Substitute.For<ISessionSink>(), "bob", ResumeToken.None, [], null, null, "guess");
        var right = _core.Register(Substitute.For<ISessionSink>(), "bob", ResumeToken.None, [], null, null, "letmein");

        Assert.Equal((ErrorCode.BadPassword, "This server needs a password: join with --password (a client speaking protocol 3 or later)."), (none.Refusal, none.Problem));
        Assert.Equal((ErrorCode.BadPassword, "That is not this server's password."), (wrong.Refusal, wrong.Problem));
        Assert.NotNull(right.Session);
    }

    public void Dispose()
    {
        foreach (var disposable in _disposables) disposable.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private (CoreSession Session, ISessionSink Sink) Join(string nick, string? key, string room)
    {
        var sink = Substitute.For<ISessionSink>();
        sink.Entry(Arg.Any<RoomEntry>()).Returns(1);
        var session = _core.Register(sink, nick, ResumeToken.None, [], key).Session!;
        if (room != NameRules.Lobby) _core.Join(session, room);
        return (session, sink);
    }

    private Registration Register(string nick, string? key) => _core.Register(Substitute.For<ISessionSink>(), nick, ResumeToken.None, [], key);

    private SqliteStore OpenStore(string path)
    {
        var store = SqliteStore.Open(path, _options, NullLogger.Instance);
        _disposables.Add(store);
        return store;
    }

    private ChatCore NewCore(SqliteStore? store)
    {
        IRoomLog log = store is null ? new MemoryRoomLog(_options) : store.RoomLog;
        return new ChatCore(_options, new ServerStats(), log, NullLogger.Instance, store, store, store);
    }
}
