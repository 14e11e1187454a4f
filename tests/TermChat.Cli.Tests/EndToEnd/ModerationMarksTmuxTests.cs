using System.Diagnostics;
using System.Globalization;
using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// The marks moderation gives in real terminals: an operator (a keyed TLS client named by `serve --op`) sets a room's
/// key, invite-only, moderated and topic-lock modes and voices a member; the full-screen client shows the room's marks
/// in its room list and @ and + before nicks in its member list, and the plain client shows both in /names.
/// </summary>
public sealed class ModerationMarksTmuxTests : IAsyncLifetime
{
    private readonly Tmux _tmux = new();
    private Process? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _tmux.Dispose();
        if (_server is not null) TermChatBinary.Stop(_server);
        return Task.CompletedTask;
    }

    private static bool Has(string[] screen, string text) => screen.Any(l => l.Contains(text, StringComparison.Ordinal));

    [TmuxFact]
    public async Task Room_modes_and_operator_and_voice_marks_show_in_the_full_screen_and_plain_clients()
    {
        using var opKey = KeyFile.CreateEphemeral();
        int port;
        (_server, port) = await TermChatBinary.StartServerAsync("--no-discovery", "--ephemeral", "--op", KeyFingerprint.Of(opKey));
        string address = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        _tmux.NewSession("alice", 100, 24, TermChatBinary.CommandLine($"join {address} --nick alice") + "; exec sleep 600");
        _tmux.NewSession("bob", 100, 24, TermChatBinary.CommandLine($"join {address} --plain --nick bob") + "; exec sleep 600");
        await _tmux.WaitForAsync("alice", s => s.Length == 24 && s[22].Contains("│ connected", StringComparison.Ordinal), "alice's status bar", TimeSpan.FromSeconds(30));
        await _tmux.WaitForAsync("bob", s => Has(s, "you joined #lobby"), "bob's plain client in #lobby", TimeSpan.FromSeconds(30));

        await using var boss = await TestChatClient.ConnectTlsAsync(new IPEndPoint(IPAddress.Loopback, port), "boss", opKey);
        foreach (var (action, target) in (ValueTuple<ModerationAction, string>[])[(ModerationAction.SetKey, "sesame"), (ModerationAction.InviteOnly, ""),
            (ModerationAction.Moderated, ""), (ModerationAction.LockTopic, ""), (ModerationAction.Voice, "alice")])
        {
            await boss.SendAsync(new Moderate(action, "#lobby", target, 0, ""));
        }
        await boss.BarrierAsync();

        var screen = await _tmux.WaitForAsync("alice", s => Has(s, "1 #lobby +kimt") && Has(s, "│@boss") && Has(s, "│+alice"), "the room's marks and the members' marks");
        Assert.True(Has(screen, "boss set mode +k on #lobby (joining needs a key)"), string.Join('\n', screen));
        Assert.True(Has(screen, "│ bob"), "bob, neither operator nor voiced, has no mark:\n" + string.Join('\n', screen));

        _tmux.Type("bob", "/names");
        _tmux.Keys("bob", "Enter");
        await _tmux.WaitForAsync("bob", s => Has(s, "#lobby (+kimt): 3 members: ") && Has(s, "@boss") && Has(s, "+alice"), "bob's /names with the marks");
    }
}
