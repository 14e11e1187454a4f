using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>
/// An operator's kick, voice and invitation reach members on every node of a cluster, as on one server: the event goes
/// through the room's log, and the member's own node applies it. A mute holds on every node too, kept like the room's
/// modes: a member on another node than the operator's is refused, an unmute or the mute's lapse lets it speak again, a
/// member who joins the room later on a node where nobody was in it is refused too, and the mute outlives every node.
/// Real nats-server, real servers on port 0.
/// </summary>
public sealed class ClusterRoomModerationTests : IClassFixture<NatsServerFixture>, IDisposable
{
    private readonly NatsServerFixture _nats;
    private readonly string _cluster = "m" + Guid.NewGuid().ToString("N")[..10];
    private readonly X509Certificate2 _opKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _bobKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _carolKey = KeyFile.CreateEphemeral();
    private int _lines;

    public ClusterRoomModerationTests(NatsServerFixture nats) => _nats = nats;

    public void Dispose()
    {
        _opKey.Dispose();
        _bobKey.Dispose();
        _carolKey.Dispose();
    }

    [NatsFact]
    public async Task An_operator_kicks_voices_and_invites_members_whose_sessions_are_on_another_node()
    {
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Select);
        await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
        await using var bob = await TestChatClient.ConnectTlsAsync(b.EndPoint, "bob", _bobKey);
        await using var carol = await TestChatClient.ConnectTlsAsync(b.EndPoint, "carol", _carolKey);
        await ClusterClient.JoinAsync(op, "#ops");
        await ClusterClient.JoinAsync(bob, "#ops");
        // The operator's node knows bob is in #ops once his node's claim says so.
        await Eventually.ResultAsync(async () =>
        {
            await op.SendAsync(new ListMembers("#ops"));
            var members = await op.ReceiveAsync<MemberList>();
            return members.Members.Any(m => m.Nick == "bob") ? members : null;
        }, ClusterOwnershipTests.Propagation);

        // Voice in a moderated room: bob's node lets him speak.
        await op.SendAsync(new Moderate(ModerationAction.Moderated, "#ops", "", 0, ""));
        await op.SendAsync(new Moderate(ModerationAction.Voice, "#ops", "bob", 0, ""));
        await bob.ExpectAsync(m => m is RoomModes { Room: "#ops" } modes && modes.Voiced.Contains("bob"), ClusterOwnershipTests.Propagation);
        await bob.SendAsync(new SendMessage("#ops", MessageKind.Say, "may I?"));
        await op.ExpectAsync(m => m is RoomMessage { Room: "#ops", From: "bob", Text: "may I?" }, ClusterOwnershipTests.Propagation);

        // An invitation to an invite-only room nobody on carol's node is in.
        await ClusterClient.JoinAsync(op, "#vip");
        await op.SendAsync(new Moderate(ModerationAction.InviteOnly, "#vip", "", 0, ""));
        await op.SendAsync(new Moderate(ModerationAction.Invite, "#vip", "carol", 0, ""));
        Assert.Equal("boss invites you to #vip: /join #vip", (await carol.ReceiveAsync<Notice>(ClusterOwnershipTests.Propagation)).Text);
        await ClusterClient.JoinAsync(carol, "#vip");

        // A kick: bob's node removes him, and tells him who and why.
        await op.SendAsync(new Moderate(ModerationAction.Kick, "#ops", "bob", 0, "enough"));
        await bob.ExpectAsync(m => m is RoomEvent { Room: "#ops", Kind: RoomEventKind.Kick, Nick: "boss", Detail: "bob enough" }, ClusterOwnershipTests.Propagation);
        Assert.Equal("boss kicked you from #ops: enough", (await bob.ReceiveAsync<Notice>()).Text);
        await bob.ExpectAsync(m => m is RoomParted { Room: "#ops" });
        await bob.SendAsync(new SendMessage("#ops", MessageKind.Say, "still here?"));
        Assert.Equal(ErrorCode.NotInRoom, (await bob.ReceiveAsync<Error>()).Code);

        // Nobody by that nick in the room anywhere: the operator is told.
        await op.SendAsync(new Moderate(ModerationAction.Kick, "#ops", "nobody", 0, ""));
        Assert.Equal((ErrorCode.NoSuchNick, "nobody is not in #ops."), ClusterClient.Refusal(await op.ReceiveAsync<Error>()));
    }

    [NatsFact]
    public async Task A_member_muted_from_another_node_is_refused_there_until_an_operator_unmutes_him()
    {
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Select);
        await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
        await using var bob = await TestChatClient.ConnectTlsAsync(b.EndPoint, "bob", _bobKey);
        await ClusterClient.JoinAsync(op, "#ops");
        await ClusterClient.JoinAsync(bob, "#ops");

        await op.SendAsync(new Moderate(ModerationAction.Mute, "#ops", "bob", 0, "calm down"));
        await bob.ExpectAsync(m => m is RoomEvent { Room: "#ops", Kind: RoomEventKind.Mute, Nick: "boss", Detail: "bob until unmuted: calm down" },
            ClusterOwnershipTests.Propagation);
        var refused = await RefusedAsync(bob, "#ops");
        Assert.Equal((ErrorCode.Muted, "You are muted in #ops until an operator unmutes you."), ClusterClient.Refusal(refused));

        await op.SendAsync(new Moderate(ModerationAction.Unmute, "#ops", "bob", 0, ""));
        var line = await SpeaksAsync(bob, "#ops");
        await op.ExpectAsync(m => m is RoomMessage { Room: "#ops", From: "bob" } said && said.Text == line.Text, ClusterOwnershipTests.Propagation);
    }

    [NatsFact]
    public async Task A_timed_mute_lapses_by_the_clock_of_the_members_node_and_is_dropped_from_the_cluster()
    {
        var clockOfB = new SkewedClock();
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Threads, clockOfB);
        await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
        await using var bob = await TestChatClient.ConnectTlsAsync(b.EndPoint, "bob", _bobKey);
        await ClusterClient.JoinAsync(op, "#ops");
        await ClusterClient.JoinAsync(bob, "#ops");

        // An hour: the mute cannot lapse by itself while the test runs, however loaded the machine.
        await op.SendAsync(new Moderate(ModerationAction.Mute, "#ops", "bob", 3600, ""));
        var refused = await RefusedAsync(bob, "#ops");
        Assert.Equal(ErrorCode.Muted, refused.Code);
        Assert.Matches("^You are muted in #ops for another 3[56][0-9][0-9] s\\.$", refused.Text);

        // The hour passes on bob's node.
        clockOfB.Offset = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1);
        var line = await SpeaksAsync(bob, "#ops");
        await op.ExpectAsync(m => m is RoomMessage { Room: "#ops", From: "bob" } said && said.Text == line.Text, ClusterOwnershipTests.Propagation);

        // Bob's node found it lapsed and deleted it from the bucket, so the operator's node (whose clock says the hour
        // has not passed) drops it too.
        await Eventually.TrueAsync(() => a.Server.ClusterRoomMutes("#ops")?.Count == 0 && b.Server.ClusterRoomMutes("#ops")?.Count == 0,
            ClusterOwnershipTests.Propagation);
    }

    [NatsFact]
    public async Task A_member_who_joins_later_on_a_node_where_nobody_was_in_the_room_is_refused()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var c = await NodeAsync(ServerMode.Async);
        await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
        await ClusterClient.JoinAsync(op, "#ops");
        // Bob is not connected anywhere yet: an operator mutes a nick, not a session.
        await op.SendAsync(new Moderate(ModerationAction.Mute, "#ops", "Bob", 0, ""));
        await Eventually.TrueAsync(() => c.Server.ClusterRoomMutes("#ops")?.Count == 1, ClusterOwnershipTests.Propagation);

        await using var bob = await TestChatClient.ConnectTlsAsync(c.EndPoint, "bob", _bobKey);
        await ClusterClient.JoinAsync(bob, "#ops");

        Assert.Equal((ErrorCode.Muted, "You are muted in #ops until an operator unmutes you."), ClusterClient.Refusal((Error)await TrySpeakAsync(bob, "#ops")));
    }

    [NatsFact]
    public async Task A_mute_outlives_every_node_and_holds_from_a_new_nodes_first_connection()
    {
        await using (var a = await NodeAsync(ServerMode.Threads))
        {
            await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
            await ClusterClient.JoinAsync(op, "#ops");
            await op.SendAsync(new Moderate(ModerationAction.Mute, "#ops", "bob", 0, ""));
            await op.ExpectAsync(m => m is RoomEvent { Room: "#ops", Kind: RoomEventKind.Mute }, ClusterOwnershipTests.Propagation);
            await Eventually.TrueAsync(() => a.Server.ClusterPendingRuleWrites == 0, ClusterOwnershipTests.Propagation);
        }

        await using var fresh = await NodeAsync(ServerMode.Select);
        await using var bob = await TestChatClient.ConnectTlsAsync(fresh.EndPoint, "bob", _bobKey);
        await ClusterClient.JoinAsync(bob, "#ops");

        Assert.Equal((ErrorCode.Muted, "You are muted in #ops until an operator unmutes you."), ClusterClient.Refusal((Error)await TrySpeakAsync(bob, "#ops")));
    }

    /// <summary>Says a new line in <paramref name="room"/>: the member's own echo, or the node's refusal.</summary>
    private async Task<Message> TrySpeakAsync(TestChatClient member, string room)
    {
        string text = $"line {Interlocked.Increment(ref _lines)}";
        await member.SendAsync(new SendMessage(room, MessageKind.Say, text));
        return await member.ExpectAsync(m => m is Error || m is RoomMessage said && said.Room == room && said.Text == text, ClusterOwnershipTests.Propagation);
    }

    /// <summary>Speaks until the member's node refuses (a mute reaches the node a moment after the Mute event may).</summary>
    private Task<Error> RefusedAsync(TestChatClient member, string room) =>
        Eventually.ResultAsync(async () => await TrySpeakAsync(member, room) as Error, ClusterOwnershipTests.Propagation);

    /// <summary>Speaks until a line goes through (an unmute or a lapse reaches the node a moment later).</summary>
    private Task<RoomMessage> SpeaksAsync(TestChatClient member, string room) =>
        Eventually.ResultAsync(async () => await TrySpeakAsync(member, room) as RoomMessage, ClusterOwnershipTests.Propagation);

    // No flood control: the operator asks for the member list until the other node's member shows in it, and a member
    // speaks until its node has a mute (or an unmute).
    private Task<TestServer> NodeAsync(ServerMode mode, TimeProvider? clock = null) => _nats.NodeAsync(_cluster, mode, options =>
    {
        options.Operators.Add(KeyFingerprint.Of(_opKey));
        options.FloodRate = 0;
        if (clock is not null) options.TimeProvider = clock;
    });
}
