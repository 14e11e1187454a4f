using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TermChat.Client.Plain;
using TermChat.Client.Tests.Fakes;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Server;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.ServerIntegration;

/// <summary>Plain mode against a real in-process server on 127.0.0.1, port 0.</summary>
public sealed class PlainModeServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private sealed class Client(string nick, TestServer server, bool json = false, string? room = null, int? port = null, ChatEndpoint[]? others = null)
    {
        public ChannelTextReader Input { get; } = new();

        public LineCollector Output { get; } = new();

        public LineCollector Error { get; } = new();

        public Task<int> Run { get; private set; } = Task.FromResult(-1);

        public Client Start()
        {
            Run = PlainMode.RunAsync(new PlainModeOptions
            {
                Endpoint = new ChatEndpoint("127.0.0.1", port ?? server.EndPoint.Port),
                OtherEndpoints = others ?? [],
                Nick = nick,
                Room = room,
                Json = json,
                Input = Input,
                Output = Output,
                Error = Error,
                TimeZone = TimeZoneInfo.Utc,
            }, CancellationToken.None);
            return this;
        }
    }

    [Fact]
    public async Task Two_clients_chat_through_a_real_server()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        var bob = new Client("bob", server).Start();
        await bob.Output.WaitForAsync(l => l.EndsWith("-!- you joined #lobby (1 member)", StringComparison.Ordinal));
        var alice = new Client("alice", server).Start();
        await bob.Output.WaitForAsync(l => l.EndsWith("#lobby -!- alice joined #lobby", StringComparison.Ordinal));

        alice.Input.Type("hello bob", "/me waves");
        string said = await bob.Output.WaitForAsync(l => l.Contains("<alice>", StringComparison.Ordinal));
        string acted = await bob.Output.WaitForAsync(l => l.Contains("* alice", StringComparison.Ordinal));
        alice.Input.End();
        bob.Input.Type("/quit");

        Assert.Matches(@"^\[\d\d:\d\d:\d\d\] #lobby <alice> hello bob$", said);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\] #lobby \* alice waves$", acted);
        Assert.Equal((0, 0), (await alice.Run.WaitAsync(Wait), await bob.Run.WaitAsync(Wait)));
        Assert.Empty(alice.Error.Lines);
    }

    [Fact]
    public async Task Join_with_several_servers_passes_over_one_that_cannot_be_reached_for_the_next()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        int closed = ClosedPort();
        var bob = new Client("bob", server, others: [new ChatEndpoint("127.0.0.1", server.EndPoint.Port)], port: closed).Start();

        await bob.Output.WaitForAsync(l => l.EndsWith("-!- you joined #lobby (1 member)", StringComparison.Ordinal));
        bob.Input.Type("/quit");

        Assert.Equal(0, await bob.Run.WaitAsync(Wait));
        var connecting = bob.Output.Lines.Where(l => l.Contains("-!- connecting to", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, connecting.Count);
        Assert.EndsWith($"connecting to 127.0.0.1:{closed} over TCP", connecting[0], StringComparison.Ordinal);
        Assert.EndsWith($"connecting to 127.0.0.1:{server.EndPoint.Port} over TCP", connecting[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_finds_the_rooms_stored_messages_and_prints_them_sanitized()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        var alice = new Client("alice", server).Start();
        await alice.Output.WaitForAsync(l => l.EndsWith("-!- you joined #lobby (1 member)", StringComparison.Ordinal));

        alice.Input.Type("deploy \u001b]0;pwned\u0007 starts", "lunch", "Deploy done", "/search deploy");
        string header = await alice.Output.WaitForAsync(l => l.Contains("matches for", StringComparison.Ordinal));
        string done = await alice.Output.WaitForAsync(l => l.Contains("<alice> Deploy done", StringComparison.Ordinal));
        string starts = await alice.Output.WaitForAsync(l => l.Contains("<alice> deploy", StringComparison.Ordinal) && l.Contains("starts", StringComparison.Ordinal));
        alice.Input.Type("/quit");

        Assert.EndsWith("2 matches for \"deploy\" in #lobby, newest first:", header, StringComparison.Ordinal);
        Assert.True(alice.Output.Lines.ToList().IndexOf(done) < alice.Output.Lines.ToList().IndexOf(starts), "newest first");
        Assert.DoesNotContain(alice.Output.Lines, l => l.Contains('\u001b') || l.Contains('\u0007'));
        Assert.Equal(0, await alice.Run.WaitAsync(Wait));
    }

    [Fact]
    public async Task Json_output_is_one_object_per_line_with_type_room_from_text_seq_and_time()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        var client = new Client("jay", server, json: true).Start();
        client.Input.Type("json please");
        client.Input.End();

        Assert.Equal(0, await client.Run.WaitAsync(Wait));
        var objects = client.Output.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(objects, o => Assert.Equal(
            ["type", "time", "room", "from", "text", "seq"],
            o.EnumerateObject().Select(p => p.Name).Take(6)));
        Assert.All(objects, o => Assert.True(DateTimeOffset.TryParse(o.GetProperty("time").GetString(), out _)));
        var message = Assert.Single(objects, o => o.GetProperty("type").GetString() == "message");
        Assert.Equal(
            ("#lobby", "jay", "json please", JsonValueKind.Number),
            (message.GetProperty("room").GetString(), message.GetProperty("from").GetString(), message.GetProperty("text").GetString(), message.GetProperty("seq").ValueKind));
        Assert.Equal(["status", "welcome", "join", "message", "status"], objects.Select(o => o.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Fast_piped_input_is_all_acknowledged_before_exit_even_under_flood_control()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async, o =>
        {
            o.FloodBurst = 10;
            o.FloodRate = 200;
        });
        await using var observer = await server.ConnectAsync("observer");
        var client = new Client("piper", server);
        string[] lines = [.. Enumerable.Range(1, 300).Select(i => $"line {i}")];
        client.Input.Type(lines);
        client.Input.End();

        Assert.Equal(0, await client.Start().Run.WaitAsync(Wait));

        Assert.Equal(lines, client.Output.Lines.Where(l => l.Contains("<piper>", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("> ", StringComparison.Ordinal) + 2)..]));
        var received = await observer.CollectUntilAsync(m => m is RoomMessage { Text: "line 300" });
        Assert.Equal(lines, received.OfType<RoomMessage>().Where(m => m.From == "piper").Select(m => m.Text));
        Assert.True(server.Server.Stats.ToEntries().Single(e => e.Name == "flood_delays_total").Value > 0, "flood control never engaged");
    }

    [Fact]
    public async Task Control_and_escape_sequences_from_a_peer_are_stripped()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        var client = new Client("victim", server).Start();
        await client.Output.WaitForAsync(l => l.Contains("you joined #lobby", StringComparison.Ordinal));
        await using var attacker = await server.ConnectAsync("mallory");

        await attacker.SendAsync(new SendMessage("#lobby", MessageKind.Say, "\u001b]0;owned\u0007\u001b[2J\u001b[31mred\u001b[0m\rbell\u0007\u009b1m"));
        string line = await client.Output.WaitForAsync(l => l.Contains("<mallory>", StringComparison.Ordinal));
        client.Input.End();

        Assert.EndsWith("#lobby <mallory> redbell", line);
        Assert.DoesNotContain(client.Output.Lines, l => l.Any(c => char.IsControl(c)));
        Assert.Equal(0, await client.Run.WaitAsync(Wait));
    }

    [Fact]
    public async Task Connection_refused_is_one_clear_line_and_exit_code_1()
    {
        int port = ClosedPort();
        var output = new LineCollector();
        var error = new LineCollector();

        int code = await PlainMode.RunAsync(new PlainModeOptions
        {
            Endpoint = new ChatEndpoint("127.0.0.1", port),
            Nick = "nobody",
            Input = new ChannelTextReader(),
            Output = output,
            Error = error,
        }, CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(1, code);
        Assert.Equal([$"termchat: cannot connect to 127.0.0.1:{port}: connection refused (is the server running? start one with 'termchat serve')"], error.Lines);
    }

    [Fact]
    public async Task A_nick_in_use_falls_back_to_an_alternate_and_says_so()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        await using var holder = await server.ConnectAsync("taken");
        var client = new Client("taken", server).Start();

        await client.Output.WaitForAsync(l => l.Contains("you joined #lobby", StringComparison.Ordinal));
        client.Input.End();

        Assert.Equal(0, await client.Run.WaitAsync(Wait));
        Assert.Contains(client.Output.Lines, l => l.EndsWith("the nick 'taken' is in use; trying 'taken_' (/nick changes it later)", StringComparison.Ordinal));
        Assert.Contains(client.Output.Lines, l => l.Contains("you are taken_", StringComparison.Ordinal));
        Assert.Empty(client.Error.Lines);
    }

    [Fact]
    public async Task A_nick_in_use_with_every_alternate_taken_is_one_clear_line_and_exit_code_1()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        var holders = new List<IAsyncDisposable>();
        foreach (string nick in new[] { "taken", "taken_", "taken__", "taken___" })
        {
            holders.Add(await server.ConnectAsync(nick));
        }
        var client = new Client("taken", server).Start();

        Assert.Equal(1, await client.Run.WaitAsync(Wait));
        Assert.Equal([$"termchat: the nick 'taken' is already in use on 127.0.0.1:{server.EndPoint.Port}, as are the 3 alternates tried after it; choose another with --nick"], client.Error.Lines);
        foreach (var holder in holders)
        {
            await holder.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_room_given_on_the_command_line_receives_the_first_lines()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        var client = new Client("roomy", server, room: "dev");
        client.Input.Type("first line");
        client.Input.End();

        Assert.Equal(0, await client.Start().Run.WaitAsync(Wait));
        Assert.Single(client.Output.Lines, l => l.EndsWith("#dev <roomy> first line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resume_after_the_link_drops_shows_missed_messages_once_and_no_gap()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);
        await using var relay = new TcpRelay(server.EndPoint);
        var client = new Client("rita", server, port: relay.Port).Start();
        await client.Output.WaitForAsync(l => l.Contains("you joined #lobby", StringComparison.Ordinal));
        await using var peer = await server.ConnectAsync("pete");
        await peer.SendAsync(new SendMessage("#lobby", MessageKind.Say, "before"));
        await client.Output.WaitForAsync(l => l.EndsWith("<pete> before", StringComparison.Ordinal));

        // Cut rita's connection, then talk while she is away.
        relay.CutAll();
        await client.Output.WaitForAsync(l => l.Contains("reconnecting", StringComparison.Ordinal));
        await peer.SendAsync(new SendMessage("#lobby", MessageKind.Say, "while away"));
        await client.Output.WaitForAsync(l => l.Contains("session resumed", StringComparison.Ordinal));
        await peer.SendAsync(new SendMessage("#lobby", MessageKind.Say, "after"));
        await client.Output.WaitForAsync(l => l.EndsWith("<pete> after", StringComparison.Ordinal));
        client.Input.End();
        await client.Run.WaitAsync(Wait);

        Assert.Equal(["before", "while away", "after"],
            client.Output.Lines.Where(l => l.Contains("<pete>", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("> ", StringComparison.Ordinal) + 2)..]));
    }

    /// <summary>A loopback port nothing listens on (it was free a moment ago).</summary>
    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
