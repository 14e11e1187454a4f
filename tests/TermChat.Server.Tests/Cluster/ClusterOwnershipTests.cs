using System.Security.Cryptography.X509Certificates;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NATS.Client.KeyValueStore;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.Server.Cluster;
using TermChat.Server.Core;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>
/// Issue 16 on a cluster (issue 15): a nick belongs to the first key that uses it on any node, and is refused to every
/// other key, its look-alikes too, and to clients without a key, on every node and across restarts, until its key
/// releases it on any node. Real nats-server, real servers on port 0, clients with their own keys over TLS.
/// </summary>
public sealed class ClusterOwnershipTests : IClassFixture<NatsServerFixture>, IDisposable
{
    // How long a change may take to reach another node on a loaded machine (it is usually a few milliseconds).
    internal static readonly TimeSpan Propagation = TimeSpan.FromSeconds(30);

    private readonly NatsServerFixture _nats;
    private readonly string _cluster = "o" + Guid.NewGuid().ToString("N")[..10];
    private readonly X509Certificate2 _keyA = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _keyB = KeyFile.CreateEphemeral();

    public ClusterOwnershipTests(NatsServerFixture nats) => _nats = nats;

    public void Dispose()
    {
        _keyA.Dispose();
        _keyB.Dispose();
    }

    [NatsFact]
    public async Task A_nick_a_key_owns_is_refused_to_other_keys_look_alikes_and_keyless_clients_on_every_node_until_released_on_any()
    {
        await using var a = await NodeAsync(ServerMode.Select);
        await using var b = await NodeAsync(ServerMode.Async);
        var alice = await TestChatClient.ConnectTlsAsync(a.EndPoint, "alice", _keyA);

        Assert.Equal((ErrorCode.NickOwned, "The nick alice belongs to another key: choose another."),
            await RefusedAsync(() => TestChatClient.ConnectTlsAsync(b.EndPoint, "alice", _keyB)));
        // A capital I for the l: the same skeleton.
        Assert.Equal((ErrorCode.NickOwned, "The nick aIice looks like alice, which belongs to another key: choose another."),
            await RefusedAsync(() => TestChatClient.ConnectTlsAsync(b.EndPoint, "aIice", _keyB)));
        // A Cyrillic а for the Latin a never gets as far: nicks are ASCII.
        Assert.Equal(ErrorCode.InvalidNick, (await RefusedAsync(() => TestChatClient.ConnectTlsAsync(b.EndPoint, "\u0430lice", _keyB))).Code);

        // Ownership outlives the session: with alice gone, the nick is still refused, as owned rather than in use.
        await alice.SendAsync(new Bye("later"));
        await alice.WaitClosedAsync();
        await alice.DisposeAsync();
        Assert.Equal((ErrorCode.NickOwned, "The nick alice belongs to another key; a client without a key may use only nicks no key owns: choose another."),
            await RefusedAsync(() => b.ConnectAsync("alice")));
        Assert.Equal(ErrorCode.NickOwned, (await RefusedAsync(() => TestChatClient.ConnectTlsAsync(a.EndPoint, "ALICE", _keyB))).Code);

        // The owner comes back on the other node (once the first has let the nick go) and releases it there.
        await using (var back = await Eventually.ResultAsync(() => TryConnectAsync(b, "alice", _keyA), Propagation))
        {
            await back.SendAsync(new Moderate(ModerationAction.ReleaseNick, "", "", 0, ""));
            Assert.Equal("Your key no longer owns the nick alice; anyone may take it once you stop using it.", (await back.ReceiveAsync<Notice>()).Text);
            await back.SendAsync(new Bye("bye"));
            await back.WaitClosedAsync();
        }

        // Free on the first node too: another key takes it there, and owns it on every node from then on.
        await using var taken = await Eventually.ResultAsync(() => TryConnectAsync(a, "alice", _keyB), Propagation);
        await taken.SendAsync(new Bye("bye"));
        await taken.WaitClosedAsync();
        await Eventually.TrueAsync(() => a.Server.Core.SessionCount == 0);
        Assert.Equal((ErrorCode.NickOwned, "The nick alice belongs to another key: choose another."),
            await RefusedAsync(() => TestChatClient.ConnectTlsAsync(b.EndPoint, "alice", _keyA)));
    }

    [NatsFact]
    public async Task Two_keys_racing_for_look_alikes_on_two_nodes_leave_exactly_one_owner_and_the_other_key_is_told_whose_it_is()
    {
        await using var a = await NodeAsync(ServerMode.Threads);
        await using var b = await NodeAsync(ServerMode.Select);
        (string, string)[] pairs = [("alice", "aIice"), ("mary", "rnary"), ("bob", "b0b"), ("eve", "EVE")];
        foreach (var (nick, lookAlike) in pairs)
        {
            var first = AttemptAsync(a, nick, _keyA);
            var second = AttemptAsync(b, lookAlike, _keyB);
            var results = await Task.WhenAll(first, second);
            var winners = results.Where(result => result.Client is not null).ToList();
            var loser = Assert.Single(results, result => result.Client is null);
            Assert.Single(winners);
            Assert.Equal(ErrorCode.NickOwned, loser.Refusal.Code);
            Assert.Contains("belongs to another key: choose another.", loser.Refusal.Text, StringComparison.Ordinal);

            // The winner's key owns the nick on both nodes, also once it has left: the loser's key is refused both.
            var winner = winners[0].Client!;
            var losingKey = ReferenceEquals(winner, results[0].Client) ? _keyB : _keyA;
            await winner.SendAsync(new Bye("bye"));
            await winner.WaitClosedAsync();
            await winner.DisposeAsync();
            foreach (var node in new[] { a, b })
            {
                Assert.Equal(ErrorCode.NickOwned, (await RefusedAsync(() => TestChatClient.ConnectTlsAsync(node.EndPoint, nick, losingKey))).Code);
                Assert.Equal(ErrorCode.NickOwned, (await RefusedAsync(() => TestChatClient.ConnectTlsAsync(node.EndPoint, lookAlike, losingKey))).Code);
            }
        }
        // Both nodes follow the same bindings, one per pair.
        await Eventually.TrueAsync(() => a.Server.Core.OwnedNickCount == pairs.Length && b.Server.Core.OwnedNickCount == pairs.Length, Propagation);
    }

    [NatsFact]
    public async Task Ownership_survives_a_restart_of_every_node_and_of_nats_and_a_new_node_refuses_a_takeover_from_its_first_connection()
    {
        await using (var a = await NodeAsync(ServerMode.Async))
        {
            await using var alice = await TestChatClient.ConnectTlsAsync(a.EndPoint, "alice", _keyA);
            // A goodbye frees the nick at once (a dropped link would hold it for the resume window).
            await alice.SendAsync(new Bye("bye"));
            await alice.WaitClosedAsync();
        }
        _nats.Server.Stop();
        _nats.Server.Start();

        // A node that never saw alice: its first connection is already refused.
        await using var fresh = await NodeAsync(ServerMode.Threads);
        Assert.Equal(1, fresh.Server.Core.OwnedNickCount);
        Assert.Equal((ErrorCode.NickOwned, "The nick a1ice looks like alice, which belongs to another key: choose another."),
            await RefusedAsync(() => TestChatClient.ConnectTlsAsync(fresh.EndPoint, "a1ice", _keyB)));
        await using var owner = await Eventually.ResultAsync(() => TryConnectAsync(fresh, "alice", _keyA), Propagation);
        Assert.Equal("alice", owner.Nick);
    }

    [NatsFact]
    public async Task A_value_written_into_the_owners_bucket_by_hand_is_ignored_with_a_log_line_and_the_node_goes_on()
    {
        var log = new HoldingLoggerFactory();
        await using var a = await TestServer.StartAsync(ServerMode.Select, options => options.Cluster = new ClusterOptions { Urls = [_nats.Server.Url], Name = _cluster },
            log);
        await using var b = await NodeAsync(ServerMode.Async);
        await using (var nats = new NatsConnection(NatsOpts.Default with { Url = _nats.Server.Url }))
        {
            var owners = await new NatsKVContext(new NatsJSContext(nats)).GetStoreAsync($"TERMCHAT_{_cluster}_OWNERS");
            await owners.PutAsync(ClusterRules.OwnerKey("zed"), Encoding.UTF8.GetBytes("not json"));
            // A well-formed binding under the wrong key would break the one-key-per-look-alike rule: ignored as well.
            await owners.PutAsync(ClusterRules.OwnerKey("zoe"), Encoding.UTF8.GetBytes("""{"nick":"ann","key":"SHA256:x","since_ms":1}"""));
        }
        await Eventually.TrueAsync(() => log.Lines.Count(line => line.Contains("is not one of ours", StringComparison.Ordinal)) >= 2, Propagation);
        Assert.Equal(0, a.Server.Core.OwnedNickCount);

        // The values bind nobody: a keyed client takes zed (replacing the junk) and ann, and then owns them everywhere.
        await using var zed = await TestChatClient.ConnectTlsAsync(a.EndPoint, "zed", _keyA);
        await using var ann = await TestChatClient.ConnectTlsAsync(b.EndPoint, "ann", _keyB);
        Assert.Equal(ErrorCode.NickOwned, (await RefusedAsync(() => TestChatClient.ConnectTlsAsync(b.EndPoint, "zed", _keyB))).Code);
        Assert.Equal(ErrorCode.NickOwned, (await RefusedAsync(() => TestChatClient.ConnectTlsAsync(a.EndPoint, "ann", _keyA))).Code);
        await Eventually.TrueAsync(() => a.Server.Core.OwnedNickCount == 2, Propagation);
    }

    [NatsFact]
    public async Task A_binding_made_for_a_registration_that_never_completed_is_given_back_with_its_claim()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = TestServer.Options(ServerMode.Async);
        options.TimeProvider = time;
        await using var link = await ClusterLink.ConnectAsync(new ClusterOptions { Urls = [_nats.Server.Url], Name = _cluster }, CancellationToken.None);
        await using var rules = await ClusterRules.OpenAsync(link, options, NullLogger.Instance, CancellationToken.None);
        await using var nicks = await ClusterNicks.OpenAsync(link, rules, options, NullLogger.Instance, CancellationToken.None);
        var owners = await new NatsKVContext(link.JetStream).GetStoreAsync($"TERMCHAT_{_cluster}_OWNERS");

        // The claim is answered, but the client leaves before the core offers its Hello again: no session binds it.
        var claim = nicks.Claim("zed", null, "SHA256:gone");
        Assert.Equal(NickClaimOutcome.Pending, claim.Outcome);
        await claim.Wait!.WaitAsync(Propagation);
        Assert.Equal(NickClaimOutcome.Held, nicks.Claim("zed", null, "SHA256:gone").Outcome);
        Assert.True((await owners.TryGetEntryAsync<byte[]>(ClusterRules.OwnerKey("zed"))).Success);

        time.Advance(TimeSpan.FromSeconds(11));
        await Eventually.TrueAsync(() => rules.LoadOwners().Count == 0 && nicks.ClaimCount == 0, Propagation);
        Assert.False((await owners.TryGetEntryAsync<byte[]>(ClusterRules.OwnerKey("zed"))).Success);
    }

    /// <summary>Connects with <paramref name="key"/>; null when refused (for a nick that another node frees a moment later).</summary>
    internal static async Task<TestChatClient?> TryConnectAsync(TestServer node, string nick, X509Certificate2 key)
    {
        try
        {
            return await TestChatClient.ConnectTlsAsync(node.EndPoint, nick, key);
        }
        catch (ServerErrorException)
        {
            return null;
        }
    }

    /// <summary>The Error a connection attempt is refused with.</summary>
    internal static async Task<(ErrorCode Code, string Text)> RefusedAsync(Func<Task<TestChatClient>> connect)
    {
        var refused = await Assert.ThrowsAsync<ServerErrorException>(connect);
        return (refused.Error.Code, refused.Error.Text);
    }

    private static async Task<(TestChatClient? Client, (ErrorCode Code, string Text) Refusal)> AttemptAsync(TestServer node, string nick, X509Certificate2 key)
    {
        try
        {
            return (await TestChatClient.ConnectTlsAsync(node.EndPoint, nick, key), default);
        }
        catch (ServerErrorException e)
        {
            return (null, (e.Error.Code, e.Error.Text));
        }
    }

    private Task<TestServer> NodeAsync(ServerMode mode) => _nats.NodeAsync(_cluster, mode);
}
