using TermChat.Server;
using TermChat.TestKit.Server;
using TermChat.TestKit.Text;
using TermChat.TestKit.Wire;
using static TermChat.TestKit.Wire.HandFrames;

namespace TermChat.Client.Tests.ServerIntegration;

/// <summary>
/// The escape-injection fuzz test (issue 16): seeded hostile text (ESC, CSI/OSC sequences, every C0 and C1 control, bidi
/// overrides) sent by a raw peer as messages, topics, away reasons and part reasons through a real server, more than
/// 100,000 cases batched into about 2,200 frames; no forbidden character may reach the plain client's output. (It found
/// the LRM, RLM and ALM marks passing the sanitizer, and tabs reaching plain output.) Nicks cannot carry such text at all:
/// the server refuses every nick outside ASCII letters, digits and _-[]{}|^`. The full-screen client gets the same fuzz in
/// a real terminal in the Cli tests (FullScreenEscapeInjectionTests, tmux).
/// </summary>
public sealed class EscapeInjectionTests
{
    private const int Seed = 16;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task No_escape_control_or_bidi_character_from_a_hundred_thousand_hostile_cases_reaches_the_plain_clients_output()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async, o => o.FloodRate = 0);
        var watcher = new PlainClient("watcher", server).Start();
        await watcher.Output.WaitForAsync(l => l.EndsWith("-!- you joined #lobby (1 member)", StringComparison.Ordinal));
        using var attacker = await RawPeer.ConnectAsync(server.EndPoint);
        await attacker.SendAsync(Hello("mallory"));
        await attacker.ReceiveUntilAsync(0x8A, "#lobby");
        // The attacker reads what the server sends it (its own echoes), as a client must, or it would be dropped as slow.
        var drain = Task.Run(async () =>
        {
            while (await attacker.ReceiveFrameAsync() is not null)
            {
            }
        });

        var random = new Random(Seed);
        int cases = 0;
        // Rounds of 100 messages, each followed by a marker the watcher must print before the next round goes: the
        // server's send queues stay bounded (a flood of 5 MB at once would rightly drop the slowest reader).
        for (int round = 0; round < 17; round++)
        {
            var frames = new List<byte[]>();
            for (int i = 0; i < 100; i++)
            {
                frames.Add(Say("#lobby", HostileText.Batch(random, "m", 60, 8192, out int packed)));
                cases += packed;
                if (i % 4 != 0) continue;
                frames.Add(SetTopic("#lobby", HostileText.Batch(random, "t", 12, 390, out packed)));
                cases += packed;
                frames.Add(Frame(0x08, Str(HostileText.Batch(random, "a", 8, 200, out packed))));
                cases += packed;
                frames.Add(Frame(0x08, Str("")));
            }
            // One part per round: each rejoin replays the room's history to the attacker.
            frames.Add(Frame(0x03, Str("#lobby"), Str(HostileText.Batch(random, "p", 8, 200, out int parted))));
            cases += parted;
            frames.Add(JoinRoom("#lobby"));
            frames.Add(Say("#lobby", $"END-OF-ROUND {round}"));
            await attacker.SendAsync([.. frames]);
            await watcher.Output.WaitForAsync(l => l.EndsWith($"<mallory> END-OF-ROUND {round}", StringComparison.Ordinal)).WaitAsync(Wait);
        }
        watcher.Input.Type("/quit");
        await watcher.Run.WaitAsync(Wait);
        await attacker.SendAsync(Bye("done"));
        await drain.WaitAsync(Wait);

        var output = watcher.Output.Lines.Concat(watcher.Error.Lines).ToList();
        Assert.True(cases >= 100_000, $"only {cases} cases were generated");
        // Every message, topic, away and part arrived and was printed (an unterminated OSC or DCS in a case rightly
        // swallows the rest of its text, so cases are not counted one by one), so the test cannot pass by dropping them.
        Assert.Equal(
            (17 * 101, 17 * 25, 17 * 25, 17),
            (output.Count(l => l.Contains("<mallory> ", StringComparison.Ordinal)), output.Count(l => l.Contains("mallory set the topic", StringComparison.Ordinal)),
                output.Count(l => l.Contains("mallory is away", StringComparison.Ordinal)), output.Count(l => l.Contains("mallory left #lobby", StringComparison.Ordinal))));
        var leaks = output.SelectMany(line => line.Where(HostileText.IsForbidden).Select(c => $"U+{(int)c:X4} in {line[..Math.Min(line.Length, 80)]}")).Take(5).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }
}
