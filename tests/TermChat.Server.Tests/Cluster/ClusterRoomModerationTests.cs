using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>
/// An operator's kick, voice and invitation reach members on every node of a cluster, as on one server: the event goes
/// through the room's log, and the member's own node applies it. Real nats-server, real servers on port 0.
/// </summary>
public sealed class ClusterRoomModerationTests : IClassFixture<NatsServerFixture>, IDisposable
{
    private readonly NatsServerFixture _nats;
    private readonly string _cluster = "m" + Guid.NewGuid().ToString("N")[..10];
    private readonly X509Certificate2 _opKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _bobKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _carolKey = KeyFile.CreateEphemeral();

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

    // No flood control: the operator asks for the member list until the other node's member shows in it.
    private Task<TestServer> NodeAsync(ServerMode mode) => _nats.NodeAsync(_cluster, mode, options =>
    {
        options.Operators.Add(KeyFingerprint.Of(_opKey));
        options.FloodRate = 0;
    });
}
