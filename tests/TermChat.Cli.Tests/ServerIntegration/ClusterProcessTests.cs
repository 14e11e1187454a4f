using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>
/// Issue 15: `termchat serve --cluster` nodes as real processes on a real nats-server with JetStream, never a mock.
/// </summary>
public sealed class ClusterProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _cluster = "c" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<IDisposable> _owned = [];

    [NatsFact]
    public async Task Three_nodes_one_per_mode_share_a_room_and_every_client_sees_the_same_seqs_in_the_same_order()
    {
        var nats = Own(NatsServerProcess.StartNew());
        var endpoints = new List<IPEndPoint>();
        foreach (string mode in new[] { "select", "threads", "async" }) endpoints.Add(await StartNodeAsync(nats, mode));
        var clients = new List<TestChatClient>();
        string[] nicks = ["ann", "bob", "cat"];
        for (int i = 0; i < 3; i++)
        {
            var client = await TestChatClient.ConnectAsync(endpoints[i], nicks[i]);
            clients.Add(client);
            await client.SendAsync(new JoinRoom("#red"));
            await client.ExpectAsync(m => m is HistoryEnd { Room: "#red" });
        }

        const int PerClient = 25;
        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            for (int n = 0; n < PerClient; n++) await client.SendAsync(new SendMessage("#red", MessageKind.Say, $"{client.Nick} {n}"));
        })));
        var seen = new List<List<(ulong Seq, string From, string Text)>>();
        foreach (var client in clients)
        {
            var messages = new List<(ulong, string, string)>();
            await client.ExpectAsync(m =>
            {
                if (m is RoomMessage { Room: "#red", Replay: false } said) messages.Add((said.Seq, said.From, said.Text));
                return messages.Count == 3 * PerClient;
            }, Timeout);
            seen.Add(messages);
        }

        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(seen[0], seen[2]);
        var seqs = seen[0].Select(m => m.Seq).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        // Each author's messages in the order it sent them, whichever node it is on.
        foreach (string nick in nicks)
        {
            Assert.Equal(Enumerable.Range(0, PerClient).Select(n => $"{nick} {n}"), seen[0].Where(m => m.From == nick).Select(m => m.Text));
        }
        foreach (var client in clients) await client.DisposeAsync();
    }

    [NatsFact]
    public async Task While_the_engine_is_down_senders_get_the_clear_refusal_and_afterwards_everything_acknowledged_is_there_and_nothing_else()
    {
        var nats = Own(NatsServerProcess.StartNew());
        var sending = await StartNodeAsync(nats, "async");
        var reading = await StartNodeAsync(nats, "select");
        await using var ann = await TestChatClient.ConnectAsync(sending, "ann");
        var refused = new List<string>();
        var unanswered = new List<string>();
        int number = 0;

        // Sends one message; true when its echo (the acknowledgement) came back at once.
        async Task<bool> SendAsync()
        {
            string text = $"m{number++}";
            await ann.SendAsync(new SendMessage("#lobby", MessageKind.Say, text));
            try
            {
                var answer = await ann.ExpectAsync(m => m is RoomMessage { From: "ann" } own && own.Text == text || m is Error, TimeSpan.FromSeconds(2));
                if (answer is not Error error) return true;
                Assert.Equal(new Error(ErrorCode.StorageUnavailable, "The cluster is unavailable: room messages are refused until this server reconnects to it."), error);
                refused.Add(text);
            }
            catch (TimeoutException)
            {
                // Taken before the node saw the engine go: it is stored (and echoed) once the engine is back.
                unanswered.Add(text);
            }
            return false;
        }

        for (int i = 0; i < 10; i++) await SendAsync();
        nats.Stop();
        var outage = DateTime.UtcNow;
        // The outage: five seconds of senders trying, every one answered by a refusal once the node knows.
        while (DateTime.UtcNow - outage < TimeSpan.FromSeconds(5)) await SendAsync();
        Assert.NotEmpty(refused);
        nats.Start();
        var back = DateTime.UtcNow;
        while (!await SendAsync())
        {
            Assert.True(DateTime.UtcNow - back < Timeout, "the node never took messages again after the engine came back");
        }
        for (int i = 0; i < 5; i++) Assert.True(await SendAsync());
        // What was taken but not answered during the outage is acknowledged now.
        await Eventually.TrueAsync(() => unanswered.All(text => ann.Received.OfType<RoomMessage>().Any(m => m.From == "ann" && m.Text == text)));

        // A reader on the other node: its history and what follows live (the node may still be catching up with the
        // stream) hold every acknowledged message once, and nothing refused.
        var acknowledged = ann.Received.OfType<RoomMessage>().Where(m => m.From == "ann").Select(m => m.Text).ToList();
        await using var reader = await TestChatClient.ConnectAsync(reading, "bob");
        await Eventually.TrueAsync(() => reader.Received.OfType<RoomMessage>().Count(m => m.From == "ann") >= acknowledged.Count, Timeout);
        await reader.BarrierAsync();
        var stored = reader.Received.OfType<RoomMessage>().Where(m => m.From == "ann").Select(m => m.Text).ToList();
        Assert.Equal(acknowledged.Count, acknowledged.Distinct().Count());
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.Empty(stored.Intersect(refused));
        Assert.Subset(acknowledged.ToHashSet(), unanswered.ToHashSet());
    }

    [NatsFact]
    public async Task When_a_node_is_killed_mid_stream_its_client_resumes_on_another_node_and_gets_every_acknowledged_message_once()
    {
        var nats = Own(NatsServerProcess.StartNew());
        var doomed = Own(ServerProcess.Start(NodeArgs(nats, "select")));
        var doomedEndpoint = new IPEndPoint(IPAddress.Loopback, await doomed.WaitForPortAsync());
        var survivor = await StartNodeAsync(nats, "threads");
        // The real client, given both nodes as `termchat join a,b` gives them.
        await using var mover = new ClientSession(new ClientSessionOptions
        {
            Endpoint = new ChatEndpoint("127.0.0.1", doomedEndpoint.Port),
            OtherEndpoints = [new ChatEndpoint("127.0.0.1", survivor.Port)],
            Nick = "mover",
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(100),
        }, TransportRegistry.CreateDefault());
        await mover.ConnectAsync(CancellationToken.None);
        var seen = new List<RoomMessage>();
        var connections = new List<Connected>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in mover.Events.ReadAllAsync())
            {
                if (e is ServerMessageEvent { Message: RoomMessage { Room: "#lobby" } said }) lock (seen) seen.Add(said);
                if (e is ConnectionStateEvent { State: Connected connected }) lock (connections) connections.Add(connected);
            }
        });
        await using var publisher = await TestChatClient.ConnectAsync(survivor, "pub");

        const int Total = 60;
        for (int n = 0; n < Total; n++)
        {
            if (n == Total / 3) doomed.KillHard();
            string text = $"m{n}";
            await publisher.SendAsync(new SendMessage("#lobby", MessageKind.Say, text));
            await publisher.ExpectAsync(m => m is RoomMessage { From: "pub" } own && own.Text == text);
        }

        await Eventually.TrueAsync(() =>
        {
            lock (seen) return seen.Count(m => m.From == "pub") >= Total;
        }, Timeout);
        await publisher.BarrierAsync();
        List<RoomMessage> received;
        lock (seen) received = seen.Where(m => m.From == "pub").ToList();
        Assert.Equal(Enumerable.Range(0, Total).Select(n => $"m{n}"), received.Select(m => m.Text));
        Assert.Equal(received.Select(m => m.Seq).Order(), received.Select(m => m.Seq));
        Assert.Equal($"127.0.0.1:{survivor.Port}", mover.Server);
        // The survivor took the session over by its token (the cluster keeps sessions): a resume, not a new session.
        lock (connections) Assert.True(connections[^1].Resumed, "the move to the survivor resumed the session");
    }

    [NatsFact]
    public async Task A_killed_nodes_nick_is_held_for_the_resume_window_then_free_on_a_survivor_and_its_room_gets_one_quit()
    {
        const double Window = 3;
        var nats = Own(NatsServerProcess.StartNew());
        var doomed = Own(ServerProcess.Start([.. NodeArgs(nats, "async"), "--resume-window", "3"]));
        var doomedEndpoint = new IPEndPoint(IPAddress.Loopback, await doomed.WaitForPortAsync());
        var select = await StartNodeAsync(nats, "select", "--resume-window", "3");
        var threads = await StartNodeAsync(nats, "threads", "--resume-window", "3");
        await using var ghost = await TestChatClient.ConnectAsync(doomedEndpoint, "ghost");
        await ghost.SendAsync(new JoinRoom("#red"));
        await ghost.ExpectAsync(m => m is HistoryEnd { Room: "#red" });
        await using var watcher = await TestChatClient.ConnectAsync(threads, "watcher");
        await watcher.SendAsync(new JoinRoom("#red"));
        await watcher.ExpectAsync(m => m is HistoryEnd { Room: "#red" });

        doomed.KillHard();
        var sinceKill = System.Diagnostics.Stopwatch.StartNew();
        var held = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectAsync(select, "ghost"));
        Assert.Equal(ErrorCode.NickInUse, held.Error.Code);

        await using var taker = await Eventually.ResultAsync(async () =>
        {
            try
            {
                return await TestChatClient.ConnectAsync(select, "ghost");
            }
            catch (ServerErrorException e) when (e.Error.Code is ErrorCode.NickInUse or ErrorCode.StorageUnavailable)
            {
                // In use until the window has passed; on a loaded machine the node's link to NATS may also blink.
                return null;
            }
        }, Timeout);
        Assert.True(sinceKill.Elapsed.TotalSeconds >= Window, $"the nick was free {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill, within the {Window} s resume window");
        await watcher.ExpectAsync(m => m is RoomEvent { Room: "#red", Kind: RoomEventKind.Quit, Nick: "ghost" }, Timeout);
        // Both survivors saw the node die; exactly one of them ended its session: one Quit in each of its rooms (the
        // rooms' entries are ordered per room, not across rooms, so the #lobby one may come before or after).
        await watcher.SendAsync(new SendMessage("#red", MessageKind.Say, "after"));
        await watcher.ExpectAsync(m => m is RoomMessage { Text: "after" });
        await Eventually.TrueAsync(() => Quits("#lobby") >= 1, Timeout);
        await watcher.BarrierAsync();
        Assert.Equal((1, 1), (Quits("#red"), Quits("#lobby")));

        int Quits(string room) => watcher.Received.OfType<RoomEvent>().Count(e => e is { Kind: RoomEventKind.Quit, Nick: "ghost" } && e.Room == room);
    }

    [NatsFact]
    public async Task A_node_killed_and_started_again_refuses_an_owned_nick_to_another_key_and_a_key_banned_on_another_node_from_its_first_connection()
    {
        using var ownerKey = KeyFile.CreateEphemeral();
        using var otherKey = KeyFile.CreateEphemeral();
        using var opKey = KeyFile.CreateEphemeral();
        using var malloryKey = KeyFile.CreateEphemeral();
        string mallory = KeyFingerprint.Of(malloryKey);
        var nats = Own(NatsServerProcess.StartNew());
        string[] args = [.. NodeArgs(nats, "select"), "--op", KeyFingerprint.Of(opKey), "--resume-window", "2"];
        var doomed = Own(ServerProcess.Start(args));
        var first = new IPEndPoint(IPAddress.Loopback, await doomed.WaitForPortAsync());
        var other = await StartNodeAsync(nats, "threads");
        await using (var owner = await TestChatClient.ConnectTlsAsync(first, "alice", ownerKey))
        await using (var op = await TestChatClient.ConnectTlsAsync(first, "boss", opKey))
        {
            await op.SendAsync(new Moderate(ModerationAction.Ban, "", mallory, 0, "abuse"));
            Assert.Equal($"Banned {mallory} until lifted.", (await op.ReceiveAsync<Notice>()).Text);
            // On the cluster before the kill: the other node refuses mallory too.
            await Eventually.ResultAsync(() => RefusedAsync(other, "mallory", malloryKey, ErrorCode.Banned), Timeout);
            doomed.KillHard();
        }

        var again = Own(ServerProcess.Start(args));
        var restarted = new IPEndPoint(IPAddress.Loopback, await again.WaitForPortAsync());
        var owned = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(restarted, "aIice", otherKey));
        Assert.Equal((ErrorCode.NickOwned, "The nick aIice looks like alice, which belongs to another key: choose another."), (owned.Error.Code, owned.Error.Text));
        var banned = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(restarted, "innocent", malloryKey));
        Assert.Equal((ErrorCode.Banned, "You are banned from this server by boss: abuse. The ban lasts until an operator lifts it."), (banned.Error.Code, banned.Error.Text));
        // The owner gets the nick back once the killed node's session has outlived its resume window.
        await using var back = await Eventually.ResultAsync(async () =>
        {
            try
            {
                return await TestChatClient.ConnectTlsAsync(restarted, "alice", ownerKey);
            }
            catch (ServerErrorException e) when (e.Error.Code is ErrorCode.NickInUse or ErrorCode.StorageUnavailable)
            {
                return null;
            }
        }, Timeout);
    }

    /// <summary>The refusal with <paramref name="code"/> of a client with <paramref name="key"/>, or null if it got in (it leaves again).</summary>
    private static async Task<ServerErrorException?> RefusedAsync(IPEndPoint node, string nick, System.Security.Cryptography.X509Certificates.X509Certificate2 key, ErrorCode code)
    {
        try
        {
            await using var client = await TestChatClient.ConnectTlsAsync(node, nick, key);
            await client.SendAsync(new Bye("not yet"));
            return null;
        }
        catch (ServerErrorException e) when (e.Error.Code == code)
        {
            return e;
        }
    }

    [Fact]
    public async Task A_cluster_url_that_is_not_a_nats_url_is_a_usage_error_in_one_line()
    {
        using var server = ServerProcess.Start("serve", "--port", "0", "--cluster", "http://127.0.0.1:4222");
        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.StartsWith("termchat serve: --cluster http://127.0.0.1:4222 is not a NATS server URL: give nats://HOST:PORT (or tls://HOST:PORT), several separated by commas",
            Assert.Single(server.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cluster_gives_one_clear_line_and_a_nonzero_exit()
    {
        int port = ClosedPort();
        using var server = ServerProcess.Start("serve", "--port", "0", "--bind", "127.0.0.1", "--cluster", $"nats://127.0.0.1:{port}", "--cluster-name", "far", "--cluster-timeout", "1");
        Assert.Equal(1, await server.WaitForExitAsync());
        var line = Assert.Single(server.ErrorLines);
        Assert.StartsWith($"termchat serve: cannot join the cluster far at nats://127.0.0.1:{port}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at NATS.", server.Errors, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
    }

    private async Task<IPEndPoint> StartNodeAsync(NatsServerProcess nats, string mode, params string[] more)
    {
        var node = Own(ServerProcess.Start([.. NodeArgs(nats, mode), .. more]));
        return new IPEndPoint(IPAddress.Loopback, await node.WaitForPortAsync());
    }

    private string[] NodeArgs(NatsServerProcess nats, string mode) =>
        ["serve", "--mode", mode, "--port", "0", "--bind", "127.0.0.1", "--stats-interval", "0", "--no-discovery",
            "--flood-rate", "0", "--cluster", nats.Url, "--cluster-name", _cluster];

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
