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
/// Issue 16 on a cluster (issue 15): a ban made on any node holds on every node (the sessions it matches leave wherever
/// they are), an unban or a lapse on any node lifts it everywhere, and bans outlive every node. Real nats-server, real
/// servers on port 0, clients with their own keys over TLS, an operator named by its key on every node.
/// </summary>
public sealed class ClusterBanTests : IClassFixture<NatsServerFixture>, IDisposable
{
    private readonly NatsServerFixture _nats;
    private readonly string _cluster = "b" + Guid.NewGuid().ToString("N")[..10];
    private readonly X509Certificate2 _opKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _malloryKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _carolKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _trudyKey = KeyFile.CreateEphemeral();

    public ClusterBanTests(NatsServerFixture nats) => _nats = nats;

    public void Dispose()
    {
        _opKey.Dispose();
        _malloryKey.Dispose();
        _carolKey.Dispose();
        _trudyKey.Dispose();
    }

    [NatsFact]
    public async Task A_ban_by_key_on_one_node_removes_the_client_from_another_and_holds_on_both_until_lifted_on_the_other()
    {
        string malloryFp = KeyFingerprint.Of(_malloryKey);
        await using var a = await NodeAsync(ServerMode.Async);
        await using var b = await NodeAsync(ServerMode.Threads);
        await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
        await using var mallory = await TestChatClient.ConnectTlsAsync(b.EndPoint, "mallory", _malloryKey);
        await using var carol = await TestChatClient.ConnectTlsAsync(b.EndPoint, "carol", _carolKey);
        await carol.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "carol" });

        await op.SendAsync(new Moderate(ModerationAction.Ban, "", malloryFp, 0, "abuse"));
        Assert.Equal($"Banned {malloryFp} until lifted.", (await op.ReceiveAsync<Notice>()).Text);
        // Mallory's node removes her, and the room (shared by both nodes) sees the ban, not a quit.
        var removed = await mallory.ReceiveAsync<Error>(ClusterOwnershipTests.Propagation);
        Assert.Equal((ErrorCode.Banned, "You are banned from this server by boss: abuse. The ban lasts until an operator lifts it."), (removed.Code, removed.Text));
        await mallory.WaitClosedAsync();
        var ban = (RoomEvent)await carol.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Ban }, ClusterOwnershipTests.Propagation);
        Assert.Equal(("#lobby", "boss", "mallory abuse"), (ban.Room, ban.Nick, ban.Detail));
        await Eventually.TrueAsync(() => b.Server.Core.SessionCount == 1);

        // The key is banned on both nodes, whatever the nick.
        foreach (var node in new[] { a, b })
        {
            Assert.Equal(ErrorCode.Banned, (await ClusterOwnershipTests.RefusedAsync(() => TestChatClient.ConnectTlsAsync(node.EndPoint, "innocent", _malloryKey))).Code);
        }

        // Lifted on the other node (the operator is known there by the same key), so on the first as well.
        await using var opOnB = await TestChatClient.ConnectTlsAsync(b.EndPoint, "chief", _opKey);
        await opOnB.SendAsync(new Moderate(ModerationAction.Unban, "", malloryFp, 0, ""));
        Assert.Equal($"The ban on {malloryFp} is lifted.", (await opOnB.ReceiveAsync<Notice>()).Text);
        await using var back = await Eventually.ResultAsync(() => ClusterOwnershipTests.TryConnectAsync(a, "mallory", _malloryKey), ClusterOwnershipTests.Propagation);
        Assert.Equal("mallory", back.Nick);
    }

    [NatsFact]
    public async Task A_timed_ban_on_a_nick_holds_on_every_node_and_lapses_on_every_node()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var b = await NodeAsync(ServerMode.Async);
        await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);

        // Long enough that the other node has it before it lapses, even on a loaded machine.
        await op.SendAsync(new Moderate(ModerationAction.Ban, "", "trudy", 8, "cool off"));
        Assert.Equal("Banned trudy for 8 s.", (await op.ReceiveAsync<Notice>()).Text);
        await Eventually.TrueAsync(() => b.Server.Core.BanCount == 1, ClusterOwnershipTests.Propagation);
        var refused = await ClusterOwnershipTests.RefusedAsync(() => TestChatClient.ConnectTlsAsync(b.EndPoint, "trudy", _trudyKey));
        Assert.Equal(ErrorCode.Banned, refused.Code);
        Assert.StartsWith("You are banned from this server by boss: cool off. The ban lapses in ", refused.Text, StringComparison.Ordinal);

        await using var onB = await Eventually.ResultAsync(() => ClusterOwnershipTests.TryConnectAsync(b, "trudy", _trudyKey), TimeSpan.FromSeconds(40));
        await onB.SendAsync(new Bye("bye"));
        await onB.WaitClosedAsync();
        await using var onA = await Eventually.ResultAsync(() => ClusterOwnershipTests.TryConnectAsync(a, "trudy", _trudyKey), ClusterOwnershipTests.Propagation);
        // The lapsed ban is gone from the bucket, so from every node.
        await Eventually.TrueAsync(() => a.Server.Core.BanCount == 0 && b.Server.Core.BanCount == 0, ClusterOwnershipTests.Propagation);
    }

    [NatsFact]
    public async Task Bans_survive_a_restart_of_every_node_and_of_nats_and_hold_from_a_new_nodes_first_connection()
    {
        string malloryFp = KeyFingerprint.Of(_malloryKey);
        await using (var a = await NodeAsync(ServerMode.Threads))
        {
            await using var op = await TestChatClient.ConnectTlsAsync(a.EndPoint, "boss", _opKey);
            await op.SendAsync(new Moderate(ModerationAction.Ban, "", malloryFp, 0, "abuse"));
            await op.ReceiveAsync<Notice>();
            await op.SendAsync(new Moderate(ModerationAction.Ban, "", "127.0.0.2/32", 3600, "flood"));
            await op.ReceiveAsync<Notice>();
            // Stored before the node stops: its writes are made after the notice.
            await Eventually.TrueAsync(() => a.Server.ClusterPendingRuleWrites == 0);
        }
        _nats.Server.Stop();
        _nats.Server.Start();

        await using var fresh = await NodeAsync(ServerMode.Select);
        Assert.Equal(2, fresh.Server.Core.BanCount);
        var refused = await ClusterOwnershipTests.RefusedAsync(() => TestChatClient.ConnectTlsAsync(fresh.EndPoint, "mallory", _malloryKey));
        Assert.Equal((ErrorCode.Banned, "You are banned from this server by boss: abuse. The ban lasts until an operator lifts it."), refused);
        await using var carol = await TestChatClient.ConnectTlsAsync(fresh.EndPoint, "carol", _carolKey);
    }

    [NatsFact]
    public async Task A_value_written_into_the_bans_bucket_by_hand_bans_nobody_and_is_logged_and_later_bans_still_arrive()
    {
        var log = new HoldingLoggerFactory();
        await using var a = await TestServer.StartAsync(ServerMode.Async, options =>
        {
            options.Cluster = new ClusterOptions { Urls = [_nats.Server.Url], Name = _cluster };
            options.Operators.Add(KeyFingerprint.Of(_opKey));
        }, log);
        await using var b = await NodeAsync(ServerMode.Select);
        await using (var nats = new NatsConnection(NatsOpts.Default with { Url = _nats.Server.Url }))
        {
            var bans = await new NatsKVContext(new NatsJSContext(nats)).GetStoreAsync($"TERMCHAT_{_cluster}_BANS");
            await bans.PutAsync(ClusterRules.BanKey("carol"), Encoding.UTF8.GetBytes("""{"target":"carol"}"""));
            await bans.PutAsync(ClusterRules.BanKey("dave"), Encoding.UTF8.GetBytes("""{"target":"not a target!","reason":"","by":"x"}"""));
            await bans.PutAsync("b.zz", Encoding.UTF8.GetBytes("\u0000\u0001"));
        }
        await Eventually.TrueAsync(() => log.Lines.Count(line => line.Contains("is not one of ours", StringComparison.Ordinal)) >= 3, ClusterOwnershipTests.Propagation);
        Assert.Equal(0, a.Server.Core.BanCount);
        await using var carol = await TestChatClient.ConnectTlsAsync(a.EndPoint, "carol", _carolKey);

        // The node goes on following the bucket: a real ban made on the other node reaches it.
        await using var op = await TestChatClient.ConnectTlsAsync(b.EndPoint, "boss", _opKey);
        await op.SendAsync(new Moderate(ModerationAction.Ban, "", "carol", 0, "enough"));
        var removed = await carol.ReceiveAsync<Error>(ClusterOwnershipTests.Propagation);
        Assert.Equal(ErrorCode.Banned, removed.Code);
    }

    [NatsFact]
    public async Task With_the_engine_down_bans_unbans_releases_and_new_owners_are_refused_with_a_clear_error_and_taken_again_when_it_is_back()
    {
        using var nats = NatsServerProcess.StartNew();
        await using var node = await TestServer.StartAsync(ServerMode.Select, options =>
        {
            options.Cluster = new ClusterOptions { Urls = [nats.Url], Name = _cluster };
            options.Operators.Add(KeyFingerprint.Of(_opKey));
        });
        await using var op = await TestChatClient.ConnectTlsAsync(node.EndPoint, "boss", _opKey);
        await using var carol = await TestChatClient.ConnectTlsAsync(node.EndPoint, "carol", _carolKey);
        nats.Stop();
        await Eventually.TrueAsync(() => node.Server.Stats.ToEntries().Any(e => e.Name == "cluster_connected" && e.Value == 0));

        // A ban or unban made now would hold on this node only, and be lost with it: refused, and nothing changes.
        await op.SendAsync(new Moderate(ModerationAction.Ban, "", "mallory", 0, "abuse"));
        Assert.Equal((ErrorCode.StorageUnavailable, ClusterRules.UnavailableRefusal), ClusterClient.Refusal(await op.ReceiveAsync<Error>()));
        await op.SendAsync(new Moderate(ModerationAction.Unban, "", "mallory", 0, ""));
        Assert.Equal((ErrorCode.StorageUnavailable, ClusterRules.UnavailableRefusal), ClusterClient.Refusal(await op.ReceiveAsync<Error>()));
        Assert.Equal(0, node.Server.Core.BanCount);
        await carol.SendAsync(new Moderate(ModerationAction.ReleaseNick, "", "", 0, ""));
        Assert.Equal((ErrorCode.StorageUnavailable, ClusterRules.UnavailableRefusal), ClusterClient.Refusal(await carol.ReceiveAsync<Error>()));
        // Nobody can know whether another key owns a nick: no new owner.
        var refused = await ClusterOwnershipTests.RefusedAsync(() => TestChatClient.ConnectTlsAsync(node.EndPoint, "trudy", _trudyKey));
        Assert.Equal((ErrorCode.StorageUnavailable, ClusterNicks.UnavailableRefusal), refused);

        nats.Start();
        await Eventually.TrueAsync(() => node.Server.Stats.ToEntries().Any(e => e.Name == "cluster_connected" && e.Value == 1), ClusterOwnershipTests.Propagation);
        await op.SendAsync(new Moderate(ModerationAction.Ban, "", "mallory", 0, "abuse"));
        Assert.Equal("Banned mallory until lifted.", (await op.ReceiveAsync<Notice>()).Text);
        await using var trudy = await Eventually.ResultAsync(() => ClusterOwnershipTests.TryConnectAsync(node, "trudy", _trudyKey), ClusterOwnershipTests.Propagation);
    }

    private Task<TestServer> NodeAsync(ServerMode mode) =>
        _nats.NodeAsync(_cluster, mode, options => options.Operators.Add(KeyFingerprint.Of(_opKey)));
}
