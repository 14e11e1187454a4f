using System.Diagnostics;
using System.Globalization;
using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// Messages mixing emoji, joiner sequences, variation selectors, BOM/ZWNBSP, combining marks and East Asian wide
/// characters, sent by a raw protocol client through a real server to the full-screen client in real tmux: the
/// message pane's right-hand rule stays in one column on every row, measured by tmux itself (not by a width table),
/// and each message shows the text the sanitizer's cell-grid pass promises (docs/CLIENT.md).
/// </summary>
public sealed class WideCharacterFrameTmuxTests : IAsyncLifetime
{
    private readonly Tmux _tmux = new();
    private Process? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _tmux.Dispose();
        if (_server is not null)
        {
            TermChatBinary.Stop(_server);
        }
        return Task.CompletedTask;
    }

    private static bool Has(string[] screen, string text) => screen.Any(l => l.Contains(text, StringComparison.Ordinal));

    // (sent, shown): one message per class, built from code points.
    private static readonly (string Sent, string Shown)[] s_messages =
    [
        ("bom[a\uFEFFb]", "bom[ab]"),
        ("zw[a\u200Bb\u2060c]", "zw[abc]"),
        ("vs16[\u2764\uFE0F\u263A\uFE0F]", "vs16[\u2764\u263A]"),
        ("zwj[\U0001F469\u200D\U0001F469\u200D\U0001F467]", "zwj[\U0001F469\U0001F469\U0001F467]"),
        ("rainbow[\U0001F3F3\uFE0F\u200D\U0001F308]", "rainbow[\U0001F3F3\U0001F308]"),
        ("skin[\U0001F44D\U0001F3FD]", "skin[\U0001F44D]"),
        ("keycap[1\uFE0F\u20E3]", "keycap[1\u20E3]"),
        ("marks[e\u0301a\u0308\u0323]", "marks[e\u0301a\u0308\u0323]"),
        ("\u0301lead", "\u00A0\u0301lead"),
        ("cjk[\u4F60\u597D\uFF21\u3000]", "cjk[\u4F60\u597D\uFF21\u3000]"),
        ("hindi[\u0939\u093F\u0928\u094D\u0926\u0940]", "hindi[\u0939\u093F\u0928\u094D\u0926\u0940]"),
        ("thai[\u0E01\u0E33]", "thai[\u0E01\u0E33]"),
        // A regional-indicator flag and a tag flag (Scotland) are kept; tmux stores only the first few tags in the
        // flag's cell, so the screen is checked up to the first two.
        ("flags[\U0001F1EB\U0001F1F7\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F]", "flags[\U0001F1EB\U0001F1F7\U0001F3F4\U000E0067\U000E0062"),
        ("new[\U0001FAE8]", "new[\uFFFD]"),
        ("mix[\uFEFF\U0001F469\u200D\U0001F467\uFE0F a\u200B\u4F60 \U0001F44B\U0001F3FB\u2764\uFE0F]", "mix[\U0001F469\U0001F467 a\u4F60 \U0001F44B\u2764]"),
    ];

    [TmuxFact]
    public async Task Rows_mixing_emoji_joiners_selectors_marks_and_wide_text_keep_the_message_pane_rule_in_one_column()
    {
        (_server, int port) = await TermChatBinary.StartServerAsync("--flood-rate", "0", "--no-discovery", "--ephemeral");
        string address = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        const int Width = 100, Height = 40;
        _tmux.NewSession("alice", Width, Height, TermChatBinary.CommandLine($"join {address} --nick alice") + "; exec sleep 600");
        var before = await _tmux.WaitForAsync("alice", s => s.Length == Height && s[Height - 2].Contains("│ connected", StringComparison.Ordinal), "alice's status bar", TimeSpan.FromSeconds(30));
        // The columns of the two vertical rules (room list │ messages │ members) on a row of plain text.
        int[] rules = [.. before[2].Select((c, i) => (c, i)).Where(x => x.c == '│').Select(x => x.i)];
        Assert.Equal(2, rules.Length);

        await using var mallory = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "mallory");
        await mallory.SendAsync(new JoinRoom("#lobby"));
        await _tmux.WaitForAsync("alice", s => Has(s, "--> mallory joined #lobby"), "mallory in alice's pane");
        foreach (var (sent, _) in s_messages)
        {
            await mallory.SendAsync(new SendMessage("#lobby", MessageKind.Say, sent));
        }
        // A long line of joined emoji pairs that wraps over several rows: the wrapping counts the columns too.
        string family = "\U0001F469\u200D\U0001F467";
        await mallory.SendAsync(new SendMessage("#lobby", MessageKind.Say, "wrap[" + string.Concat(Enumerable.Repeat(family, 40)) + "]"));
        await mallory.SendAsync(new SendMessage("#lobby", MessageKind.Say, "after the widths"));
        var screen = await _tmux.WaitForAsync("alice", s => Has(s, "<mallory> after the widths"), "the last line", TimeSpan.FromSeconds(30));
        string all = string.Join("\n", screen);

        foreach (var (_, shown) in s_messages)
        {
            Assert.True(Has(screen, $"<mallory> {shown}"), $"'{shown}' on screen:\n{all}");
        }
        Assert.True(Has(screen, "<mallory> wrap[\U0001F469\U0001F467\U0001F469\U0001F467"), all);

        // Every body row: what is left of the message pane's right rule, measured by tmux, ends in the same column.
        var rows = Enumerable.Range(1, Height - 3).ToArray();
        var prefixes = rows.Select(r => screen[r].LastIndexOf('│') is var last and > 0 && screen[r].IndexOf('│') < last ? screen[r][..last] : null).ToArray();
        var missing = rows.Where((_, k) => prefixes[k] is null).ToArray();
        Assert.True(missing.Length == 0, $"rows {string.Join(", ", missing)} lost a rule:\n{all}");
        int[] columns = await _tmux.MeasureColumnsAsync([.. prefixes.Select(p => p!)]);
        var moved = rows.Where((_, k) => columns[k] != rules[1]).Select((r, _) => $"row {r}: rule in column {columns[Array.IndexOf(rows, r)]}").ToArray();
        Assert.True(moved.Length == 0, $"the message pane's right rule belongs in column {rules[1]}; {string.Join("; ", moved)}:\n{all}");
        Assert.Equal(rules[0], (await _tmux.MeasureColumnsAsync([screen[1][..screen[1].IndexOf('│')]]))[0]);
    }
}
