using System.Globalization;
using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>
/// Issue 14's crash test: `termchat serve` on a data file is killed with SIGKILL in the middle of a steady stream,
/// restarted on the same file and port, and every client resumes with its token and cursors. Whatever a sender saw
/// acknowledged (its echo) must be there afterwards, once, in order, on every member, with seqs that continue.
/// </summary>
/// <remarks>
/// The kill points are random but seeded (TERMCHAT_CRASH_SEED); a normal run kills each mode 7 times (21 kills in
/// all), TERMCHAT_CRASH_KILLS=20 gives each mode the 20.
/// </remarks>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int BatchSize = 8;

    private readonly string _directory = Directory.CreateTempSubdirectory("termchat-crash-").FullName;

    [Theory]
    [InlineData("select")]
    [InlineData("threads")]
    [InlineData("async")]
    public async Task Every_acknowledged_message_survives_kill_9_and_every_client_resumes_without_gap_or_duplicate(string mode)
    {
        int kills = EnvInt("TERMCHAT_CRASH_KILLS", 7);
        int seed = EnvInt("TERMCHAT_CRASH_SEED", 14) + mode.Length;
        var random = new Random(seed);
        string data = Path.Combine(_directory, mode + ".db");
        var server = ServerProcess.Start("serve", "--mode", mode, "--port", "0", "--bind", "127.0.0.1", "--data", data, "--stats-interval", "0");
        try
        {
            int port = await server.WaitForPortAsync();
            var endpoint = new IPEndPoint(IPAddress.Loopback, port);
            // Two rooms; ann and dan are in both. Each client publishes in one room.
            var clients = new[]
            {
                await ResumingClient.ConnectAsync(endpoint, "ann", "#red", "#blue"),
                await ResumingClient.ConnectAsync(endpoint, "bob", "#red"),
                await ResumingClient.ConnectAsync(endpoint, "cat", "#blue"),
                await ResumingClient.ConnectAsync(endpoint, "dan", "#blue", "#red"),
            };
            string[] publishesIn = ["#red", "#red", "#blue", "#blue"];
            var sent = new HashSet<string>(StringComparer.Ordinal);
            int[] nextNumber = new int[clients.Length];
            for (int kill = 0; kill < kills; kill++)
            {
                string context = $"mode {mode}, seed {seed}, kill {kill + 1} of {kills}";
                int killAfter = random.Next(1, 120);
                int acked = 0;
                var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                void Acked()
                {
                    if (Interlocked.Increment(ref acked) == killAfter) killed.TrySetResult();
                }
                var publishers = clients.Select((client, i) => PublishAsync(client, publishesIn[i], () => $"{client.Nick} {nextNumber[i]++}", sent, Acked, () => killed.Task.IsCompleted)).ToArray();
                await killed.Task.WaitAsync(TimeSpan.FromSeconds(30));
                server.KillHard();
                await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromSeconds(30));
                foreach (var client in clients) await client.LoseConnectionAsync();

                server.Dispose();
                server = ServerProcess.Start("serve", "--mode", mode, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--data", data, "--stats-interval", "0");
                Assert.Equal(port, await server.WaitForPortAsync());
                foreach (var client in clients) await AssertResumesAsync(client, endpoint, clients, context);
                AssertHistoriesAgree(clients, sent, context);
            }
            foreach (var client in clients) await client.DisposeAsync();
        }
        finally
        {
            server.Dispose();
        }
        Assert.DoesNotContain("Unhandled", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_whose_resume_window_ran_out_while_the_server_was_down_ends_with_a_quit()
    {
        string data = Path.Combine(_directory, "window.db");
        var window = TimeSpan.FromSeconds(1);
        string[] args = ["serve", "--port", "0", "--bind", "127.0.0.1", "--data", data, "--stats-interval", "0", "--resume-window", "1"];
        using var first = ServerProcess.Start(args);
        int port = await first.WaitForPortAsync();
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        await using var ann = await ResumingClient.ConnectAsync(endpoint, "ann", "#ops");
        await using var bob = await ResumingClient.ConnectAsync(endpoint, "bob", "#ops");
        await bob.Connection.SendAsync(new SendMessage("#ops", MessageKind.Say, "before the crash"));
        await bob.Connection.ExpectAsync(m => m is RoomMessage { Replay: false, Text: "before the crash" });
        first.KillHard();
        var killedAt = DateTime.UtcNow;
        await ann.LoseConnectionAsync();
        await bob.LoseConnectionAsync();

        // The premise of the case is a downtime longer than the resume window: the wall clock must pass it, since
        // the restarted server counts the window from the last moment the old one was alive.
        var remaining = killedAt + window - DateTime.UtcNow;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining + TimeSpan.FromMilliseconds(100));
        args[2] = port.ToString(CultureInfo.InvariantCulture);
        using var second = ServerProcess.Start(args);
        Assert.Equal(port, await second.WaitForPortAsync());

        await using var eve = await ResumingClient.ConnectAsync(endpoint, "eve", "#ops");
        var quits = eve.EntriesIn("#ops").OfType<RoomEvent>().Where(e => e.Kind == RoomEventKind.Quit).Select(e => e.Nick).Order().ToArray();
        Assert.Equal(["ann", "bob"], quits);
        Assert.Contains(eve.EntriesIn("#ops"), m => m is RoomMessage { From: "bob", Text: "before the crash", Replay: true });
        var joined = eve.Connection.Received.OfType<RoomJoined>().Single(j => j.Room == "#ops");
        Assert.Equal(["eve"], joined.Members.Select(m => m.Nick));

        // The ended session's token resumes nothing: a new session, told why.
        await using var again = await TestKit.Server.TestChatClient.ConnectAsync(endpoint, "bob", bob.Token, bob.Cursors());
        Assert.False(again.Welcome!.Resumed);
        Assert.Equal(ErrorCode.ResumeRejected, (await again.ReceiveAsync<Error>()).Code);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// Sends batches of messages and waits for each echo, counting acknowledgements, until the server dies (once
    /// <paramref name="killing"/> says it is being killed, a connection that fails is the expected end).
    /// </summary>
    private static async Task PublishAsync(ResumingClient client, string room, Func<string> nextText, HashSet<string> sent, Action acked, Func<bool> killing)
    {
        var connection = client.Connection;
        try
        {
            while (true)
            {
                var texts = Enumerable.Range(0, BatchSize).Select(_ => nextText()).ToArray();
                lock (sent) sent.UnionWith(texts);
                await connection.SendManyAsync(texts.Select(text => new SendMessage(room, MessageKind.Say, text)));
                foreach (string text in texts)
                {
                    await connection.ExpectAsync(m => m is RoomMessage { Replay: false } echo && echo.From == client.Nick && echo.Text == text);
                    acked();
                }
            }
        }
        catch (Exception exception) when (killing() && exception is TimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException or IOException)
        {
            // The server was killed: what was not echoed was never acknowledged. (A write after the reader saw the end of
            // the stream and closed the socket fails as IOException around ObjectDisposedException.)
        }
    }

    private static async Task AssertResumesAsync(ResumingClient client, EndPoint endpoint, ResumingClient[] everyone, string context)
    {
        var cursors = client.Cursors().ToDictionary(c => c.Room, c => c.LastSeq, StringComparer.Ordinal);
        var (welcome, joined, replays) = await client.ResumeAsync(endpoint);
        Assert.True(welcome.Resumed, $"{client.Nick} was not resumed ({context})");
        Assert.Equal((client.Nick, client.Token), (welcome.Nick, welcome.Token));
        Assert.Equal(client.Rooms.Order(), joined.Select(j => j.Room).Order());
        foreach (var room in joined)
        {
            var expected = everyone.Where(c => c.Rooms.Contains(room.Room)).Select(c => c.Nick).Order();
            Assert.Equal(expected, room.Members.Select(m => m.Nick).Order());
        }
        foreach (var replay in replays)
        {
            // Exactly the entries after the cursor: nothing missed, nothing repeated.
            Assert.True(replay.Missed == 0 && replay.FromSeq == cursors[replay.Room] + 1,
                $"{client.Nick} resumed {replay.Room} at {replay.FromSeq} (missed {replay.Missed}) after cursor {cursors[replay.Room]} ({context})");
        }
    }

    /// <summary>
    /// Every client's history of each room is gapless and duplicate-free, the same entry at the same seq on every
    /// client, holds nothing nobody sent, and holds every message any sender saw acknowledged, once and in order.
    /// </summary>
    private static void AssertHistoriesAgree(ResumingClient[] clients, HashSet<string> sent, string context)
    {
        var bySeq = new Dictionary<(string Room, ulong Seq), string>();
        foreach (var client in clients)
        {
            foreach (string room in client.Rooms)
            {
                var entries = client.EntriesIn(room);
                for (int i = 0; i < entries.Count; i++)
                {
                    ulong seq = ResumingClient.SeqOf(entries[i]);
                    if (i > 0) Assert.True(seq == ResumingClient.SeqOf(entries[i - 1]) + 1, $"{client.Nick} saw {room} go from seq {ResumingClient.SeqOf(entries[i - 1])} to {seq} ({context})");
                    string what = Describe(entries[i]);
                    if (bySeq.TryGetValue((room, seq), out string? other)) Assert.True(what == other, $"{room} seq {seq} is {what} for {client.Nick} but {other} for another ({context})");
                    else bySeq[(room, seq)] = what;
                    if (entries[i] is RoomMessage message) Assert.True(sent.Contains(message.Text), $"{client.Nick} saw a message nobody sent: {message} ({context})");
                }
            }
        }
        foreach (var sender in clients)
        {
            string room = RoomOf(sender);
            foreach (string text in sender.Acked)
            {
                foreach (var member in clients.Where(c => c.Rooms.Contains(room)))
                {
                    int copies = member.EntriesIn(room).Count(e => e is RoomMessage m && m.Text == text);
                    Assert.True(copies == 1, $"{member.Nick} has {copies} copies of \"{text}\", acknowledged to {sender.Nick} ({context})");
                }
            }
            // A sender's own messages keep the order it sent them in.
            var numbers = sender.EntriesIn(room).OfType<RoomMessage>().Where(m => m.From == sender.Nick)
                .Select(m => int.Parse(m.Text.Split(' ')[1], CultureInfo.InvariantCulture)).ToArray();
            Assert.True(numbers.SequenceEqual(numbers.Order()), $"{sender.Nick}'s messages are out of order ({context})");
        }
    }

    private static string RoomOf(ResumingClient sender) => sender.Nick is "ann" or "bob" ? "#red" : "#blue";

    private static string Describe(Message entry) => entry switch
    {
        RoomMessage m => $"{m.From}: {m.Text}",
        RoomEvent e => $"{e.Kind} {e.Nick} {e.Detail}",
        _ => entry.ToString(),
    };

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;
}
