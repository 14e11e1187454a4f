using System.Globalization;
using System.Net;
using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;
using TermChat.TestKit.Text;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// The escape-injection fuzz (issue 16) against the full-screen client in a real terminal: more than 100,000 seeded
/// hostile cases (ESC, CSI/OSC/DCS, every C0 and C1, DEL, bidi overrides; <see cref="HostileText"/>) as message text,
/// topics, away and part reasons, from a peer whose nick changes at random every round, through a real `termchat serve`
/// into `termchat join` in tmux. Every byte the client writes to its terminal is captured (pipe-pane) and parsed
/// (<see cref="TerminalOutputScanner"/>): nothing but the sequences Terminal.Gui itself sends may appear. The terminal
/// is large and each round is one screenful, checked on screen before the next, so every case was drawn.
/// </summary>
public sealed class FullScreenEscapeInjectionTests : IDisposable
{
    private const int Seed = 1616;
    private const int Width = 300, Height = 1000;
    private const int Rounds = 11;
    private const string NickFirst = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_[]{}|^`";
    private const string NickRest = NickFirst + "0123456789-";

    private readonly Tmux _tmux = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("termchat-fullscreen-fuzz-").FullName;

    public void Dispose()
    {
        _tmux.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [TmuxFact]
    public async Task No_escape_control_or_bidi_character_from_a_hundred_thousand_hostile_cases_reaches_the_full_screen_clients_terminal()
    {
        var (server, port) = await TermChatBinary.StartServerAsync("--flood-rate", "0", "--no-discovery", "--ephemeral");
        try
        {
            string raw = Path.Combine(_directory, "terminal-output.bin");
            string address = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
            // The client waits for a key so that pipe-pane is in place before its first byte.
            _tmux.NewSession("watcher", Width, Height, "read -r _; " + TermChatBinary.CommandLine($"join {address} --nick watcher") + "; exec sleep 600");
            _tmux.PipeOutput("watcher", raw);
            _tmux.Keys("watcher", "Enter");
            await _tmux.WaitForAsync("watcher", s => s.Length == Height && s[Height - 2].Contains("│ connected", StringComparison.Ordinal), "the watcher's status bar", TimeSpan.FromSeconds(30));

            await using var attacker = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "mallory");
            var random = new Random(Seed);
            int cases = 0;
            string nick = "mallory";
            for (int round = 0; round < Rounds; round++)
            {
                // A new random nick every round (nicks are ASCII by the protocol; the server refuses anything else).
                string next = RandomNick(random);
                await attacker.SendAsync(new ChangeNick(next));
                var changed = await attacker.ExpectAsync(m => m is NickChanged or Error);
                if (changed is NickChanged) nick = next;

                var messages = new List<Message> { new SendMessage("#lobby", MessageKind.Say, $"ROUND-{round}-BEGIN") };
                for (int i = 0; i < 48; i++)
                {
                    messages.Add(new SendMessage("#lobby", i % 5 == 0 ? MessageKind.Action : MessageKind.Say, HostileText.Batch(random, "m", 200, ProtocolLimits.MaxTextBytes, out int packed)));
                    cases += packed;
                    if (i % 3 != 0) continue;
                    messages.Add(new SetTopic("#lobby", HostileText.Batch(random, "t", 12, ProtocolLimits.MaxTopicBytes, out packed)));
                    cases += packed;
                    messages.Add(new SetAway(HostileText.Batch(random, "a", 8, ProtocolLimits.MaxReasonBytes, out packed)));
                    cases += packed;
                    messages.Add(new SetAway(""));
                }
                messages.Add(new PartRoom("#lobby", HostileText.Batch(random, "p", 8, ProtocolLimits.MaxReasonBytes, out int parted)));
                cases += parted;
                messages.Add(new JoinRoom("#lobby"));
                messages.Add(new SendMessage("#lobby", MessageKind.Say, $"ROUND-{round}-END"));
                await attacker.SendManyAsync(messages);
                // The whole round on one screen: its first and last line are both visible, so everything between was drawn.
                await _tmux.WaitForAsync("watcher", s => Has(s, $"<{nick}> ROUND-{round}-END"), $"round {round}'s last line", TimeSpan.FromSeconds(30));
                var screen = _tmux.Capture("watcher");
                Assert.True(Has(screen, $"<{nick}> ROUND-{round}-BEGIN"), $"round {round} does not fit on one screen:\n{string.Join('\n', screen)}");
            }
            Assert.True(cases >= 100_000, $"only {cases} cases were sent");

            string output = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(raw));
            var findings = TerminalOutputScanner.Findings(output);
            Assert.True(findings.Count == 0, $"{findings.Count} findings in {output.Length} characters of terminal output:\n{string.Join('\n', findings)}");
        }
        finally
        {
            TermChatBinary.Stop(server);
        }
    }

    private static string RandomNick(Random random)
    {
        var nick = new StringBuilder().Append(NickFirst[random.Next(NickFirst.Length)]);
        int length = random.Next(1, 17);
        while (nick.Length < length) nick.Append(NickRest[random.Next(NickRest.Length)]);
        return nick.ToString();
    }

    private static bool Has(string[] screen, string text) => screen.Any(l => l.Contains(text, StringComparison.Ordinal));
}
