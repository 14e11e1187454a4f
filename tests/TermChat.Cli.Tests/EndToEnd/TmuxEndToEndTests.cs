using System.Diagnostics;
using System.Globalization;
using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// The full-screen client in real terminals: a real `termchat serve` and `termchat join` clients, each in its own
/// tmux session (80×24 unless a test says otherwise, TERM=xterm-256color), driven with send-keys and read with
/// capture-pane; a raw protocol client plays a hostile peer.
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

    // Terminal state tmux keeps per pane that a stray escape sequence would change: the title (OSC 0/2), the
    // alternate screen, cursor visibility, insert/origin/wrap modes, keypad and mouse modes, the scroll region.
    private const string TerminalState = "#{pane_title}|alt #{alternate_on}|cursor #{cursor_flag}|insert #{insert_flag}|origin #{origin_flag}|" +
        "wrap #{wrap_flag}|keypad #{keypad_flag}/#{keypad_cursor_flag}|mouse #{mouse_any_flag}/#{mouse_standard_flag}/#{mouse_sgr_flag}|" +
        "region #{scroll_region_upper}-#{scroll_region_lower}";

    [TmuxFact]
    public async Task Control_characters_from_a_raw_client_reach_the_screen_sanitized_and_leave_the_terminal_as_it_was()
    {
        // The server's name and message of the day are untrusted text too.
        (_server, _port) = await TermChatBinary.StartServerAsync("--flood-rate", "0", "--no-discovery",
            "--name", "srv\u001b]0;PWNED-NAME\u0007\u009b2J[name]", "--motd", "motd[\u001b[2J\u001b]2;PWNED-MOTD\u001b\\\u0085\u202e]");
        const int Width = 100, Height = 50;
        _tmux.NewSession("alice", Width, Height, TermChatBinary.CommandLine($"join {Address} --nick alice") + AfterExit);
        var before = await _tmux.WaitForAsync("alice", s => s.Length == Height && s[Height - 2].StartsWith(StatusLine("alice"), StringComparison.Ordinal), "alice's status bar");
        // Terminal.Gui hides the cursor while it draws a frame; the baseline is the settled screen, cursor in the input line.
        await _tmux.WaitForFormatAsync("alice", "#{cursor_flag}", "1", "the cursor shown in the input line");
        string stateBefore = _tmux.Format("alice", TerminalState);
        var styledBefore = _tmux.CaptureWithStyles("alice");
        // The columns of the two vertical rules (room list │ messages │ members) on a body row.
        int[] rules = [.. before[2].Select((c, i) => (c, i)).Where(x => x.c == '│').Select(x => x.i)];
        Assert.Equal(2, rules.Length);

        await using var mallory = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), "mallory");
        await mallory.SendAsync(new JoinRoom("#lobby"));
        await _tmux.WaitForAsync("alice", s => Has(s, "--> mallory joined #lobby"), "mallory in alice's pane");
        (string Sent, string Shown)[] lines =
        [
            ("c0[\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001c\u001d\u001e\u001f]", "c0[]"),
            ("csi[\u001b[2J\u001b[H\u001b[10;10H\u001b[?25l\u001b[?1049l\u001b[5;10r\u001b[4h\u001b[?6h\u001b[?7l\u001b[?1000l\u001b[?2004l\u001b[6n\u001b[c\u001b[>c\u001b[21t]", "csi[]"),
            ("sgr[\u001b[5;31;41mRED]", "sgr[RED]"),
            ("osc[\u001b]0;PWNED-TITLE\u0007\u001b]2;PWNED-2\u001b\\\u001b]52;c;cHduZWQ=\u0007\u001b]8;;http://evil.example/\u0007link\u001b]8;;\u0007]", "osc[link]"),
            // ESC ( 0 would switch to DEC line drawing, turning "qqq" into "───".
            ("esc[\u001bc\u001b7\u001b8\u001b(0\u001b)0\u001b#8\u001bM\u001bD\u001bE\u001b=\u001b>qqq]", "esc[qqq]"),
            ("dcs[\u001bP+q544e\u001b\\\u001b_apc\u001b\\\u001b^pm\u001b\\\u001bXsos\u001b\\]", "dcs[]"),
            ("c1[\u0084\u0085\u0088\u008d\u008e\u008f\u009b2J\u009d0;PWNED-8BIT\u009c\u0090q\u009c\u0096\u0097]", "c1[]"),
            ("del[\u007f\u007f]", "del[]"),
            ("bidi[\u202eevil\u202c\u2066x\u2069\u202d\u2067y\u2068]", "bidi[evilxy]"),
            // A lone surrogate cannot be sent: the encoder writes U+FFFD, as the protocol says.
            ("surrogate[\ud800]", "surrogate[\ufffd]"),
            // Code points the terminal and the view agree on are kept (soft hyphen, private use). BOM and zero-width space
            // are not: Terminal.Gui gives each a cell, tmux none, which pulled the rest of the row one column left per
            // character (the rule check below, by string index, could not see it); they are dropped. Noncharacters and
            // unassigned code points, which tmux draws zero columns wide and Terminal.Gui one, become U+FFFD.
            ("odd[a\u00adb\ufeffc\u200bd\ue000e]", "odd[a\u00adbcd\ue000e]"),
            ("nonchar[\uffff\ufdd0\U0010FFFF\u0378]", "nonchar[\ufffd\ufffd\ufffd\ufffd]"),
        ];
        foreach (var (sent, _) in lines)
        {
            await mallory.SendAsync(new SendMessage("#lobby", MessageKind.Say, sent));
        }
        await mallory.SendAsync(new SendMessage("#lobby", MessageKind.Action, "act[\u001b[31m\u009b1m\u0007]"));
        await mallory.SendAsync(new SetTopic("#lobby", "topic[\u001b]0;PWNED-TOPIC\u0007\u001b[2J\u202e]"));
        await mallory.SendAsync(new SetAway("away[\u001b[?1049l\u009b2J\u0000]"));
        await mallory.SendAsync(new SendPrivate("alice", "pm[\u001b]2;PWNED-PM\u0007\u001b[?25l]"));
        await mallory.SendAsync(new SendMessage("#lobby", MessageKind.Say, "after the storm"));
        var screen = await _tmux.WaitForAsync("alice", s => Has(s, "<mallory> after the storm"), "the last line of the storm");

        string all = string.Join("\n", screen);
        foreach (var (_, shown) in lines)
        {
            Assert.True(Has(screen, $"<mallory> {shown}"), $"'{shown}' on screen:\n{all}");
        }
        Assert.True(Has(screen, "* mallory act[]"), all);
        Assert.True(Has(screen, "-- mallory is away: away[]"), all);
        Assert.True(Has(screen, "-- mallory set the topic: topic[]"), all);
        Assert.StartsWith(" #lobby: topic[]", screen[0], StringComparison.Ordinal);
        Assert.True(Has(screen, "srv[name]"), "the server name, sanitized, in the welcome line:\n" + all);
        Assert.True(Has(screen, "motd[]"), "the message of the day, sanitized:\n" + all);
        Assert.False(Has(screen, "PWNED"), all);
        Assert.False(Has(screen, "───qqq") || Has(screen, "esc[───"), "no DEC line drawing:\n" + all);

        // The terminal: same title and modes, the same colours on the status and input lines, every row in place.
        await _tmux.WaitForFormatAsync("alice", TerminalState, stateBefore, "the terminal state of before the storm");
        var styled = _tmux.CaptureWithStyles("alice");
        Assert.Equal(styledBefore[^2..], styled[^2..]);
        int sgr = Array.FindIndex(screen, l => l.Contains("sgr[RED]", StringComparison.Ordinal));
        Assert.DoesNotContain("41m", styled[sgr], StringComparison.Ordinal);
        Assert.DoesNotContain("[5m", styled[sgr], StringComparison.Ordinal);
        for (int row = 1; row < Height - 2; row++)
        {
            Assert.True(rules.All(c => screen[row].Length > c && screen[row][c] == '│'), $"row {row} keeps its rules at columns {string.Join(", ", rules)}:\n{all}");
        }
        Assert.Equal("[#lobby]", screen[^1].TrimEnd());
        // The line after the storm is drawn right under the one before it, where a clean line starts.
        int storm = Array.FindIndex(screen, l => l.Contains("<mallory> after the storm", StringComparison.Ordinal));
        Assert.Equal(rules[0] + 1 + "HH:MM ".Length, screen[storm].IndexOf("<mallory> after the storm", StringComparison.Ordinal));
        Assert.Contains("mallory is away: away[]", screen[storm - 1], StringComparison.Ordinal);

        // The private conversation opened as a room; it is sanitized there too.
        _tmux.Keys("alice", "C-n");
        await _tmux.WaitForAsync("alice", s => s[0].StartsWith(" mallory (private conversation)", StringComparison.Ordinal) && Has(s, "*mallory* pm[]"), "mallory's private message, sanitized");
        await _tmux.WaitForFormatAsync("alice", TerminalState, stateBefore, "the terminal state of before the storm, in the private conversation");

        // Input still works (no terminal reply was typed into it), and the terminal comes back clean.
        _tmux.Keys("alice", "C-p");
        _tmux.Type("alice", "still here");
        _tmux.Keys("alice", "Enter");
        await _tmux.WaitForAsync("alice", s => Has(s, "<alice> still here"), "alice's own line after the storm");
        _tmux.Type("alice", "/quit");
        _tmux.Keys("alice", "Enter");
        screen = await _tmux.WaitForAsync("alice", s => Has(s, "EXITED:") && s.Any(l => l is "echo" or "-echo"), "alice's shell after /quit");
        Assert.Contains("EXITED:0", screen);
        Assert.Contains("echo", screen);
        Assert.Equal("0", _tmux.Format("alice", "#{alternate_on}"));
        Assert.Equal(stateBefore.Split('|')[0], _tmux.Format("alice", "#{pane_title}"));
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
        int closedPort = TermChatBinary.ClosedLoopbackPort();
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
