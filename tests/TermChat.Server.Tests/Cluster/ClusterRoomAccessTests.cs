using System.Security.Cryptography.X509Certificates;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.Server.Cluster;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>
/// A room's modes and key hold on every node of a cluster and outlive every node: a keyed or invite-only room cannot be
/// entered through another node, a moderated room is moderated on every node, and the engine being down refuses a change
/// of modes, key or mutes rather than making it on one node only. Real nats-server, real servers on port 0, clients with
/// their own keys.
/// </summary>
public sealed class ClusterRoomAccessTests : IClassFixture<NatsServerFixture>, IDisposable
{
    private readonly NatsServerFixture _nats;
    private readonly string _cluster = "r" + Guid.NewGuid().ToString("N")[..10];
    private readonly X509Certificate2 _opKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _carolKey = KeyFile.CreateEphemeral();

    public ClusterRoomAccessTests(NatsServerFixture nats) => _nats = nats;

    public void Dispose()
    {
        _opKey.Dispose();
        _carolKey.Dispose();
    }

    [NatsFact]
    public async Task A_key_and_modes_set_on_one_node_close_the_room_on_another_and_reach_its_members()
    {
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Threads);
        await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
        await ClusterClient.JoinAsync(op, "#ops");
        await ClusterClient.JoinAsync(op, "#vip");

        await op.SendAsync(new Moderate(ModerationAction.SetKey, "#ops", "s3cret", 0, ""));
        await op.SendAsync(new Moderate(ModerationAction.InviteOnly, "#vip", "", 0, ""));
        await Eventually.TrueAsync(() => b.Server.ClusterRoomAccess("#ops")?.Key == "s3cret"
            && b.Server.ClusterRoomAccess("#vip")?.Modes == RoomModeFlags.InviteOnly, ClusterOwnershipTests.Propagation);
        await using var carol = await TestChatClient.ConnectTlsAsync(b.EndPoint, "carol", _carolKey);

        await carol.SendAsync(new JoinRoom("#ops"));
        Assert.Equal((ErrorCode.BadPassword, "#ops needs a key: /join #ops KEY."), ClusterClient.Refusal(await carol.ReceiveAsync<Error>()));
        await carol.SendAsync(new JoinRoom("#vip"));
        Assert.Equal((ErrorCode.InviteOnly, "#vip is invite-only: ask an operator to invite you."), ClusterClient.Refusal(await carol.ReceiveAsync<Error>()));
        await carol.SendAsync(new JoinKeyed("#ops", "s3cret"));
        await carol.ExpectAsync(m => m is RoomJoined { Room: "#ops" });

        // Moderated on the operator's node: carol's node tells her the new modes and keeps her quiet.
        await op.SendAsync(new Moderate(ModerationAction.Moderated, "#ops", "", 0, ""));
        await carol.ExpectAsync(m => m is RoomModes { Room: "#ops", Modes: RoomModeFlags.Key | RoomModeFlags.Moderated }, ClusterOwnershipTests.Propagation);
        await carol.SendAsync(new SendMessage("#ops", MessageKind.Say, "hello?"));
        Assert.Equal((ErrorCode.Muted, "#ops is moderated: only operators and members with voice speak."), ClusterClient.Refusal(await carol.ReceiveAsync<Error>()));
    }

    [NatsFact]
    public async Task A_rooms_key_outlives_every_node_and_holds_from_a_new_nodes_first_connection()
    {
        await using (var a = await NodeAsync(ServerMode.Select))
        {
            await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
            await ClusterClient.JoinAsync(op, "#ops");
            await op.SendAsync(new Moderate(ModerationAction.SetKey, "#ops", "s3cret", 0, ""));
            await op.ExpectAsync(m => m is RoomModes { Room: "#ops", Modes: RoomModeFlags.Key });
            await Eventually.TrueAsync(() => a.Server.ClusterPendingRuleWrites == 0);
        }

        await using var fresh = await NodeAsync(ServerMode.Async);
        await using var carol = await TestChatClient.ConnectTlsAsync(fresh.EndPoint, "carol", _carolKey);
        await carol.SendAsync(new JoinRoom("#ops"));

        Assert.Equal((ErrorCode.BadPassword, "#ops needs a key: /join #ops KEY."), ClusterClient.Refusal(await carol.ReceiveAsync<Error>()));
    }

    [NatsFact]
    public async Task With_the_engine_down_a_mode_change_a_mute_and_an_unmute_are_refused_and_the_room_keeps_its_modes_and_mutes()
    {
        using var nats = NatsServerProcess.StartNew();
        await using var node = await TestServer.StartAsync(ServerMode.Select, options =>
        {
            options.Cluster = new ClusterOptions { Urls = [nats.Url], Name = _cluster };
            options.Operators.Add(KeyFingerprint.Of(_opKey));
        });
        await using var op = await TestChatClient.ConnectTlsAsync(node.EndPoint, "boss", _opKey);
        await ClusterClient.JoinAsync(op, "#ops");
        await op.SendAsync(new Moderate(ModerationAction.Mute, "#ops", "bob", 0, ""));
        await op.ExpectAsync(m => m is RoomEvent { Room: "#ops", Kind: RoomEventKind.Mute }, ClusterOwnershipTests.Propagation);
        nats.Stop();
        await Eventually.TrueAsync(() => node.Server.Stats.ToEntries().Any(e => e.Name == "cluster_connected" && e.Value == 0), ClusterOwnershipTests.Propagation);

        // Each would hold on this node only: refused, as a ban is.
        foreach (var (action, target) in new[] { (ModerationAction.SetKey, "s3cret"), (ModerationAction.Mute, "carol"), (ModerationAction.Unmute, "bob") })
        {
            await op.SendAsync(new Moderate(action, "#ops", target, 0, ""));
            Assert.Equal((ErrorCode.StorageUnavailable, ClusterRules.UnavailableRefusal), ClusterClient.Refusal(await op.ReceiveAsync<Error>()));
        }
        Assert.Same(TermChat.Server.History.RoomAccess.Open, node.Server.ClusterRoomAccess("#ops"));
        Assert.Equal(["bob"], node.Server.ClusterRoomMutes("#ops")!.Select(mute => mute.Nick));
    }

    [NatsFact]
    public async Task A_value_written_into_the_access_bucket_by_hand_changes_no_room_mutes_nobody_and_is_logged()
    {
        var log = new HoldingLoggerFactory();
        await using var a = await TestServer.StartAsync(ServerMode.Async, options => options.Cluster = new ClusterOptions { Urls = [_nats.Server.Url], Name = _cluster }, log);
        await using (var nats = new NatsConnection(NatsOpts.Default with { Url = _nats.Server.Url }))
        {
            var access = await new NatsKVContext(new NatsJSContext(nats)).GetStoreAsync($"TERMCHAT_{_cluster}_ACCESS");
            // Another room's key, modes this build does not know, and bytes that are not JSON.
            await access.PutAsync(ClusterRules.AccessKey("#a"), Encoding.UTF8.GetBytes("""{"room":"#b","modes":2,"key":"x"}"""));
            await access.PutAsync(ClusterRules.AccessKey("#c"), Encoding.UTF8.GetBytes("""{"room":"#c","modes":64,"key":""}"""));
            await access.PutAsync("r.zz", Encoding.UTF8.GetBytes("\u0000\u0001"));
            // A mute of another nick under carol's key in #a, and one with no nick.
            await access.PutAsync(ClusterRules.MuteKey("#a", "carol"), Encoding.UTF8.GetBytes("""{"room":"#a","nick":"bob"}"""));
            await access.PutAsync(ClusterRules.MuteKey("#a", "dave"), Encoding.UTF8.GetBytes("""{"room":"#a"}"""));
        }

        await Eventually.TrueAsync(() => log.Lines.Count(line => line.Contains("is not one of ours", StringComparison.Ordinal)) >= 5, ClusterOwnershipTests.Propagation);
        await using var carol = await TestChatClient.ConnectTlsAsync(a.EndPoint, "carol", _carolKey);
        foreach (string room in new[] { "#a", "#b", "#c" })
        {
            await ClusterClient.JoinAsync(carol, room);
        }
        await carol.SendAsync(new SendMessage("#a", MessageKind.Say, "not muted"));
        await carol.ExpectAsync(m => m is RoomMessage { Room: "#a", From: "carol", Text: "not muted" });
        Assert.Empty(a.Server.ClusterRoomMutes("#a")!);
    }

    private Task<TestServer> NodeAsync(ServerMode mode) =>
        _nats.NodeAsync(_cluster, mode, options => options.Operators.Add(KeyFingerprint.Of(_opKey)));
}
