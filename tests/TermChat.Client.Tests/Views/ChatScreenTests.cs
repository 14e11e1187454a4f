using NSubstitute;
using TermChat.Client.Tests.Fakes;
using TermChat.Client.Transports;
using TermChat.Client.Views;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace TermChat.Client.Tests.Views;

/// <summary>
/// The whole runner (connect, session, Terminal.Gui application on its UI thread, the way out) over a scripted
/// link. The test process has no terminal, so Terminal.Gui's ANSI driver runs in its degraded mode: it draws into
/// its buffer and writes nothing; keys are injected on the UI thread and the screen is read after each draw.
/// </summary>
public sealed class ChatScreenTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly ScriptedLink _link = new();
    private readonly StringWriter _error = new();
    private readonly TaskCompletionSource<IApplication> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<int> Start(CancellationToken cancellationToken = default, string? room = "#lobby")
    {
        var registry = new TransportRegistry();
        registry.Register("tcp", () => _link.Transport);
        return ChatScreen.RunAsync(new ChatScreenOptions
        {
            Endpoint = new ChatEndpoint("127.0.0.1", 7777),
            Nick = "alice",
            Room = room,
            Error = _error,
            Transports = registry,
            TimeZone = TimeZoneInfo.Utc,
            Started = gui =>
            {
                gui.Driver!.SetScreenSize(80, 14);
                _started.TrySetResult(gui);
            },
        }, cancellationToken);
    }

    // Connects and shows bob's line in #lobby; returns the running application.
    private async Task<IApplication> StartInLobbyAsync(Task<int> run)
    {
        await _link.NextSentAsync<Hello>();
        _link.Receive(
            new Welcome(ProtocolLimits.Version, "alice", new ResumeToken(1, 1), false, "test", "async", 15, ""),
            new RoomJoined("#lobby", "ship friday", 1, new[] { new Member("alice", ""), new Member("bob", "lunch") }),
            new HistoryBegin("#lobby", 1, 1, 0),
            new RoomMessage("#lobby", 1, 0, "bob", MessageKind.Say, "hi alice", true),
            new HistoryEnd("#lobby"));
        var gui = await _started.Task.WaitAsync(Wait);
        var screen = await WaitForScreenAsync(gui, run, s => Has(s, "<bob> hi alice"), "bob's line");
        Assert.Equal(" #lobby: ship friday", screen[0].TrimEnd());
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", screen[12].TrimEnd());
        Assert.Equal("[#lobby]", screen[13].TrimEnd());
        Assert.True(Has(screen, "-!- welcome to test (async mode), you are"), string.Join("\n", screen));
        Assert.True(Has(screen, "-!- keys: Tab completes"), string.Join("\n", screen));
        return gui;
    }

    private static bool Has(string[] screen, string text) => screen.Any(l => l.Contains(text, StringComparison.Ordinal));

    // Checks the screen after every draw of the running application (on its UI thread) until the condition holds.
    private static async Task<string[]> WaitForScreenAsync(IApplication gui, Task run, Func<string[], bool> condition, string what)
    {
        var found = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] last = [];
        EventHandler<EventArgs>? check = null;
        check = (_, _) =>
        {
            last = GuiHarness.Rows(gui);
            if (condition(last))
            {
                gui.LayoutAndDrawComplete -= check;
                found.TrySetResult(last);
            }
        };
        gui.Invoke(() =>
        {
            gui.LayoutAndDrawComplete += check;
            check(null, EventArgs.Empty);
        });
        var first = await Task.WhenAny(found.Task, run, Task.Delay(Wait));
        Assert.True(first == found.Task, $"no screen with {what} ({(run.IsCompleted ? "the screen has exited" : "timed out")}); last screen:\n{string.Join("\n", last)}");
        return await found.Task;
    }

    private static void Press(IApplication gui, params Key[] keys) => gui.Invoke(() =>
    {
        foreach (var key in keys)
        {
            gui.InjectKey(key);
        }
    });

    private static void Type(IApplication gui, string text) => Press(gui, [.. text.EnumerateRunes().Select(r => new Key(r.Value))]);

    [Fact]
    public async Task Ctrl_c_exits_0_after_saying_goodbye_and_shuts_the_application_down()
    {
        var run = Start();
        var gui = await StartInLobbyAsync(run);

        Press(gui, Key.C.WithCtrl);

        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
        Assert.Equal(new Bye("leaving"), await _link.NextSentAsync<Bye>());
        // Disposing the application is what gives the terminal back (alternate screen off, cursor shown, raw mode off).
        Assert.False(gui.Initialized);
        Assert.Equal("", _error.ToString());
    }

    [Fact]
    public async Task Typed_lines_are_sent_tab_completes_nicks_and_slash_quit_says_goodbye()
    {
        var run = Start();
        var gui = await StartInLobbyAsync(run);

        Type(gui, "bo");
        Press(gui, Key.Tab);
        Type(gui, "lunch?");
        Press(gui, Key.Enter);

        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "bob: lunch?"), await _link.NextSentAsync<SendMessage>());
        _link.Receive(new RoomMessage("#lobby", 2, 0, "alice", MessageKind.Say, "bob: lunch?", false));
        await WaitForScreenAsync(gui, run, s => Has(s, "<alice> bob: lunch?"), "alice's own line");
        Type(gui, "/quit");
        Press(gui, Key.Enter);
        Assert.Equal(new Bye("leaving"), await _link.NextSentAsync<Bye>());
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
        Assert.False(gui.Initialized);
    }

    [Fact]
    public async Task A_multi_line_paste_is_sent_as_one_message()
    {
        var run = Start();
        var gui = await StartInLobbyAsync(run);

        gui.Invoke(() => gui.RaisePasteEvent("one\ntwo\nthree"));
        Press(gui, Key.Enter);

        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "one\ntwo\nthree"), await _link.NextSentAsync<SendMessage>());
        Press(gui, Key.C.WithCtrl);
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
        Assert.Empty(_link.DrainSent().OfType<SendMessage>());
    }

    [Fact]
    public async Task Cancellation_from_outside_exits_130_says_goodbye_and_shuts_the_application_down()
    {
        using var cancel = new CancellationTokenSource();
        var run = Start(cancel.Token);
        var gui = await StartInLobbyAsync(run);

        await cancel.CancelAsync();

        Assert.Equal(ChatScreen.ExitInterrupted, await run.WaitAsync(Wait));
        Assert.Equal(new Bye("interrupted"), await _link.NextSentAsync<Bye>());
        Assert.False(gui.Initialized);
        Assert.Equal("", _error.ToString());
    }

    [Fact]
    public async Task An_exception_inside_the_screen_shuts_the_application_down_and_reaches_the_caller()
    {
        var run = Start();
        var gui = await StartInLobbyAsync(run);

        gui.Invoke(() => throw new InvalidOperationException("boom inside the screen"));

        // The CLI turns what reaches it into one line without a stack trace (TermChatCommand, CliErrors.Unexpected).
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Wait));
        Assert.Equal("boom inside the screen", thrown.Message);
        Assert.False(gui.Initialized);
        Assert.True(_link.Closed, "the session is closed on the way out");
    }

    [Fact]
    public async Task A_session_event_that_arrives_while_the_screen_runs_is_drawn_without_any_key()
    {
        var run = Start();
        var gui = await StartInLobbyAsync(run);

        _link.Receive(new RoomMessage("#lobby", 2, 0, "bob", MessageKind.Say, "are you there?", false));

        await WaitForScreenAsync(gui, run, s => Has(s, "<bob> are you there?"), "bob's second line");
        Press(gui, Key.D.WithCtrl);
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
    }

    [Fact]
    public async Task Without_a_room_to_join_the_greeting_still_shows_in_the_room_the_server_opens()
    {
        // `termchat join` without --room: the server puts every new client in #lobby by itself.
        var run = Start(room: null);
        var gui = await StartInLobbyAsync(run);
        Assert.DoesNotContain(_link.DrainSent(), m => m is JoinRoom);
        Press(gui, Key.C.WithCtrl);
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_refused_connection_is_one_line_and_the_screen_is_never_taken()
    {
        _link.Transport.ConnectAsync(default!, default).ReturnsForAnyArgs(
            Task.FromException(new ChatConnectException(ConnectFailure.Refused, new ChatEndpoint("127.0.0.1", 7777), "connection refused")));

        Assert.Equal(ChatScreen.ExitConnectionFailed, await Start().WaitAsync(Wait));

        Assert.Equal("termchat: cannot connect to 127.0.0.1:7777: connection refused" + Environment.NewLine, _error.ToString());
        Assert.False(_started.Task.IsCompleted, "no Terminal.Gui application was started");
    }
}
