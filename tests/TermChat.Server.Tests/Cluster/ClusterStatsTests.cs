using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Server.Cluster;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>/stats on a node of a cluster shows the link to NATS: connected, round trip, entries waiting to be stored, commit times.</summary>
public sealed class ClusterStatsTests
{
    [NatsFact]
    public async Task Stats_show_the_cluster_link_up_with_its_round_trip_and_then_down_while_the_engine_is_away()
    {
        using var nats = NatsServerProcess.StartNew();
        await using var server = await TestServer.StartAsync(ServerMode.Async, options =>
            options.Cluster = new ClusterOptions { Urls = [nats.Url], Name = "stats" + Guid.NewGuid().ToString("N")[..8] });
        await using var client = await server.ConnectAsync("ann");
        await client.SendAsync(new SendMessage("#lobby", MessageKind.Say, "stored"));
        await client.ExpectAsync(m => m is RoomMessage { Text: "stored", Replay: false });

        // The echo comes with the publish ack; the node's consumer reads the entries back a moment later.
        await Eventually.TrueAsync(() => Figure(server, "cluster_rtt_us") > 0 && Figure(server, "cluster_stream_seq") >= 2);
        var up = await StatsAsync(client);
        Assert.Equal(1, up["cluster_connected"]);
        Assert.Equal(0, up["cluster_pending"]);
        Assert.True(up["cluster_stream_seq"] >= 2, "the join and the message are in the stream");
        Assert.Equal(0, up["cluster_reconnects_total"]);
        // The join and the message went from append to commit in some time above zero, the median no longer than the p99.
        Assert.InRange(up["cluster_commit_p50_us"], 1, up["cluster_commit_p99_us"]);

        nats.Stop();
        await Eventually.TrueAsync(() => Figure(server, "cluster_connected") == 0);
        var down = await StatsAsync(client);
        Assert.Equal(-1, down["cluster_rtt_us"]);

        nats.Start();
        await Eventually.TrueAsync(() => Figure(server, "cluster_connected") == 1 && Figure(server, "cluster_reconnects_total") >= 1);
    }

    private static long Figure(TestServer server, string name) =>
        server.Server.Stats.ToEntries().Single(entry => entry.Name == name).Value;

    private static async Task<Dictionary<string, long>> StatsAsync(TestChatClient client)
    {
        await client.SendAsync(new GetStats());
        var stats = await client.ReceiveAsync<Stats>();
        return stats.Entries.ToDictionary(entry => entry.Name, entry => entry.Value);
    }
}
