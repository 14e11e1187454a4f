using System.Diagnostics;
using System.Globalization;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// The full-screen client in real terminals: a real `termchat serve` and two `termchat join` clients, each in
/// its own tmux session at 80×24 (TERM=xterm-256color), driven with send-keys and read with capture-pane.
/// </summary>
public sealed class TmuxEndToEndTests : IAsyncLifetime
{
    // After the client exits, the shell reports the exit code and whether echo is on, then stays for capture.
    private const string AfterExit = "; echo EXITED:$?; stty -a | grep -o -- '-\\?echo ' | head -1; exec sleep 600";

    private readonly Tmux _tmux = new();
    private Process? _server;
    private int _port;

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

    private string Address => $"127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}";

    private void StartClient(string nick) =>
        _tmux.NewSession(nick, 80, 24, TermChatBinary.CommandLine($"join {Address} --nick {nick}") + AfterExit);

    private string StatusLine(string nick) => $" {nick} │ TCP {Address} │ #lobby │ connected";

    // The pane runs bash, which runs the client (the dotnet host) as its only child.
    private static void SendSigterm(int shellPid)
    {
        string children = File.ReadAllText($"/proc/{shellPid.ToString(CultureInfo.InvariantCulture)}/task/{shellPid.ToString(CultureInfo.InvariantCulture)}/children").Trim();
        int client = int.Parse(children.Split(' ')[0], CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", ["-TERM", client.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }

    private static bool Has(string[] screen, string text) => screen.Any(l => l.Contains(text, StringComparison.Ordinal));

    [TmuxFact]
    public async Task Two_clients_chat_resize_scroll_and_quit_leaving_a_clean_terminal()
    {
        // Flood control off: the scrollback step sends 60 lines as fast as tmux can type them.
        (_server, _port) = await TermChatBinary.StartServerAsync("--flood-rate", "0");
        StartClient("alice");
        var screen = await _tmux.WaitForAsync("alice", s => s.Length == 24 && s[22].StartsWith(StatusLine("alice"), StringComparison.Ordinal), "alice's status bar");
        Assert.StartsWith(" #lobby", screen[0], StringComparison.Ordinal);
        Assert.StartsWith("1 #lobby     │", screen[1], StringComparison.Ordinal);
        Assert.StartsWith("[#lobby]", screen[23], StringComparison.Ordinal);

        StartClient("bob");
        await _tmux.WaitForAsync("bob", s => s.Length == 24 && s[22].StartsWith(StatusLine("bob"), StringComparison.Ordinal), "bob's status bar");
        await _tmux.WaitForAsync("alice", s => Has(s, "--> bob joined #lobby") && Has(s, "│ bob"), "bob in alice's messages and member list");

        // Messages both ways, with CJK and an emoji (wide glyphs) intact.
        _tmux.Type("bob", "hello alice 你好 😀");
        _tmux.Keys("bob", "Enter");
        await _tmux.WaitForAsync("alice", s => Has(s, "<bob> hello alice 你好 😀"), "bob's message in alice's pane");
        _tmux.Type("alice", "hi bob 😀 你好");
        _tmux.Keys("alice", "Enter");
        await _tmux.WaitForAsync("bob", s => Has(s, "<alice> hi bob 😀 你好"), "alice's message in bob's pane");

        // A resize redraws the whole layout at the new size.
        _tmux.Resize("alice", 100, 30);
        screen = await _tmux.WaitForAsync("alice", s => s.Length == 30 && s[28].StartsWith(StatusLine("alice"), StringComparison.Ordinal), "the status bar on row 29 of 30");
        Assert.StartsWith("[#lobby]", screen[29], StringComparison.Ordinal);
        Assert.StartsWith("1 #lobby          │", screen[1], StringComparison.Ordinal);
        Assert.True(Has(screen, "<bob> hello alice 你好 😀"), "the messages are redrawn after the resize");

        // Scrollback: 60 lines from bob, then alice pages up; new lines do not move her view.
        for (int i = 1; i <= 60; i++)
        {
            _tmux.Type("bob", $"line {i:00}");
            _tmux.Keys("bob", "Enter");
        }
        await _tmux.WaitForAsync("alice", s => Has(s, "<bob> line 60"), "the 60th line in alice's pane");
        _tmux.Keys("alice", "PPage");
        var scrolled = await _tmux.WaitForAsync("alice", s => Has(s, "more below ↓") && !Has(s, "line 60"), "alice scrolled up");
        Assert.True(Has(scrolled, "<bob> line 3"), "older lines are shown after PgUp:\n" + string.Join("\n", scrolled));
        _tmux.Type("bob", "after the scroll");
        _tmux.Keys("bob", "Enter");
        var held = await _tmux.WaitForAsync("alice", s => Has(s, "1 new message ↓"), "the new-message indicator");
        Assert.False(Has(held, "after the scroll"), "the view must not jump to the new line");
        Assert.Equal(scrolled[..^3], held[..^3]);
        _tmux.Keys("alice", "End");
        await _tmux.WaitForAsync("alice", s => Has(s, "<bob> after the scroll") && !Has(s, "↓"), "alice back at the newest line");

        // The server goes away: the status bar counts down to the next attempt; once it is back, the client reconnects.
        TermChatBinary.Stop(_server);
        await _tmux.WaitForAsync("alice", s => s[28].Contains("│ reconnecting in ", StringComparison.Ordinal), "the reconnect countdown in alice's status bar", TimeSpan.FromSeconds(20));
        (_server, _) = await TermChatBinary.StartServerAsync("--port", _port.ToString(CultureInfo.InvariantCulture), "--flood-rate", "0");
        await _tmux.WaitForAsync("alice", s => s[28].StartsWith(StatusLine("alice"), StringComparison.Ordinal), "alice connected again", TimeSpan.FromSeconds(45));
        await _tmux.WaitForAsync("bob", s => s[22].StartsWith(StatusLine("bob"), StringComparison.Ordinal), "bob connected again", TimeSpan.FromSeconds(45));

        // /quit and Ctrl+C both give the terminal back: main screen, cursor, echo on, exit code 0.
        _tmux.Type("alice", "/quit");
        _tmux.Keys("alice", "Enter");
        screen = await _tmux.WaitForAsync("alice", s => Has(s, "EXITED:") && s.Any(l => l is "echo" or "-echo"), "alice's shell after /quit");
        Assert.Contains("EXITED:0", screen);
        Assert.Contains("echo", screen);
        Assert.False(Has(screen, "│"), "the chat screen must be gone after /quit:\n" + string.Join("\n", screen));
        await _tmux.WaitForAsync("bob", s => Has(s, "<-- alice quit"), "alice's quit in bob's pane");

        // SIGTERM (e.g. from a service manager) restores the terminal too.
        StartClient("carol");
        await _tmux.WaitForAsync("carol", s => s.Length == 24 && s[22].StartsWith(StatusLine("carol"), StringComparison.Ordinal), "carol's status bar");
        SendSigterm(_tmux.PanePid("carol"));
        screen = await _tmux.WaitForAsync("carol", s => Has(s, "EXITED:") && s.Any(l => l is "echo" or "-echo"), "carol's shell after SIGTERM");
        Assert.Contains("EXITED:130", screen);
        Assert.Contains("echo", screen);
        Assert.False(Has(screen, "│"), "the chat screen must be gone after SIGTERM:\n" + string.Join("\n", screen));
        Assert.False(Has(screen, "   at "), "no stack trace after SIGTERM:\n" + string.Join("\n", screen));

        _tmux.Keys("bob", "C-c");
        screen = await _tmux.WaitForAsync("bob", s => Has(s, "EXITED:") && s.Any(l => l is "echo" or "-echo"), "bob's shell after Ctrl+C");
        Assert.Contains("EXITED:0", screen);
        Assert.Contains("echo", screen);
        Assert.False(Has(screen, "│"), "the chat screen must be gone after Ctrl+C");
    }

    [TmuxFact]
    public async Task Termchat_alone_hosts_a_server_shows_where_to_join_and_others_can_join_it()
    {
        // `termchat` alone always hosts on port 7777, so that port has to be free here.
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 7777))
        {
            try
            {
                probe.Start();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                Assert.Fail($"port 7777 is in use on this machine ({e.SocketErrorCode}); stop whatever listens there to run this test");
            }
        }
        _port = 7777;
        // --no-discovery: a test must not join multicast groups or answer probes on the machine's real network.
        _tmux.NewSession("host", 80, 24, TermChatBinary.CommandLine("--no-discovery") + AfterExit);
        var screen = await _tmux.WaitForAsync("host", s => s.Length == 24 && s[22].Contains($"│ TCP {Address} │ #lobby │ connected", StringComparison.Ordinal), "the host's status bar");
        Assert.True(Has(screen, "-!- hosting a chat server (async mode) on port"), "the first notice says where others can join:\n" + string.Join("\n", screen));

        StartClient("guest");
        // Keys typed before the guest's screen is up would be lost when it switches the terminal to raw mode.
        await _tmux.WaitForAsync("guest", s => s.Length == 24 && s[22].StartsWith(StatusLine("guest"), StringComparison.Ordinal), "the guest's status bar");
        await _tmux.WaitForAsync("host", s => Has(s, "--> guest joined #lobby"), "the guest in the host's pane");
        _tmux.Type("guest", "hi host 👋");
        _tmux.Keys("guest", "Enter");
        await _tmux.WaitForAsync("host", s => Has(s, "<guest> hi host 👋"), "the guest's message in the host's pane");

        _tmux.Type("host", "/quit");
        _tmux.Keys("host", "Enter");
        screen = await _tmux.WaitForAsync("host", s => Has(s, "EXITED:") && s.Any(l => l is "echo" or "-echo"), "the host's shell after /quit");
        Assert.Contains("EXITED:0", screen);
        Assert.True(Has(screen, "termchat: hosting a chat server (async mode) on port 7777"), "the addresses printed before the screen was taken over are still there:\n" + string.Join("\n", screen));
    }

    [TmuxFact]
    public async Task No_reachable_server_gives_one_clear_line_and_no_stack_trace()
    {
        // A port nothing listens on: bind one, note it, close it.
        int closedPort;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        _tmux.NewSession("nobody", 80, 24, TermChatBinary.CommandLine($"join 127.0.0.1:{closedPort.ToString(CultureInfo.InvariantCulture)} --nick carol") + AfterExit);
        var screen = await _tmux.WaitForAsync("nobody", s => Has(s, "EXITED:") && s.Any(l => l is "echo" or "-echo"), "the shell after the failed join");
        var output = _tmux.Capture("nobody", joinWrapped: true).Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        Assert.Equal(3, output.Length);
        Assert.StartsWith("termchat: ", output[0], StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort.ToString(CultureInfo.InvariantCulture)}", output[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output[0], StringComparison.Ordinal);
        Assert.Equal(["EXITED:1", "echo"], output[1..]);
    }
}
