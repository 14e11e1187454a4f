using NSubstitute;
using TermChat.Client.Tests.Fakes;
using TermChat.TestKit.Server;
using TermChat.Client.Transports;
using TermChat.Client.LegacyView;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.View;

/// <summary>The whole runner (session, loop, view) over a scripted link and a test terminal.</summary>
public sealed class ChatScreenTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly ScriptedLink _link = new();
    private readonly WatchedBackend _backend = new(80, 14);
    private readonly StringWriter _error = new();

    private Task<int> Start(CancellationToken cancellationToken = default, IReadOnlyList<string>? greeting = null)
    {
        var registry = new TransportRegistry();
        registry.Register("tcp", () => _link.Transport);
        return ChatScreen.RunAsync(new ChatScreenOptions
        {
            Endpoint = new ChatEndpoint("127.0.0.1", 7777),
            Nick = "alice",
            Backend = _backend,
            Error = _error,
            Transports = registry,
            MinFrameInterval = TimeSpan.Zero,
            TimeZone = TimeZoneInfo.Utc,
            Greeting = greeting ?? [],
        }, cancellationToken);
    }

    private async Task HandshakeAsync()
    {
        await _link.NextSentAsync<Hello>();
        _link.Receive(
            new Welcome(ProtocolLimits.Version, "alice", new ResumeToken(1, 1), false, "test", "async", 15, ""),
            new RoomJoined("#lobby", "ship friday", 1, new[] { new Member("alice", ""), new Member("bob", "lunch") }),
            new HistoryBegin("#lobby", 1, 1, 0),
            new RoomMessage("#lobby", 1, 0, "bob", MessageKind.Say, "hi alice", true),
            new HistoryEnd("#lobby"));
    }

    [Fact]
    public async Task The_screen_shows_topic_rooms_scrollback_members_status_and_input_and_ctrl_c_restores_the_terminal()
    {
        var run = Start(greeting: ["others can join with: termchat join 10.0.0.5:7777"]);
        await HandshakeAsync();

        var frame = await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<bob> hi alice", StringComparison.Ordinal)) && f.Any(l => l.Contains("others can", StringComparison.Ordinal)));

        Assert.Equal(" #lobby: ship friday", frame[0].TrimEnd());
        Assert.StartsWith("1 #lobby     │", frame[1], StringComparison.Ordinal);
        Assert.EndsWith("│2 members    ", frame[1], StringComparison.Ordinal);
        Assert.EndsWith("│ alice       ", frame[2], StringComparison.Ordinal);
        Assert.EndsWith("│~bob         ", frame[3], StringComparison.Ordinal);
        string text = string.Join("\n", frame);
        Assert.True(text.Contains("-!- welcome", StringComparison.Ordinal), text);
        Assert.Contains("-!- welcome to test (async mode), you are", text, StringComparison.Ordinal);
        Assert.Contains("-!- others can join with: termchat join", text, StringComparison.Ordinal);
        Assert.Contains("--:-- <bob> hi alice", text, StringComparison.Ordinal);
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", frame[12].TrimEnd());
        Assert.Equal("[#lobby]", frame[13].TrimEnd());

        _backend.Inner.SendInput("\u0003");
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
        Assert.False(_backend.Inner.IsAlternateScreen);
        Assert.True(_backend.Inner.CursorVisible);
        Assert.False(_backend.Inner.BracketedPasteEnabled);
        Assert.Equal(new Bye("leaving"), _link.DrainSent().OfType<Bye>().Single());
    }

    [Fact]
    public async Task Typed_lines_are_sent_tab_completes_nicks_and_slash_quit_says_goodbye()
    {
        var run = Start();
        await HandshakeAsync();
        await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<bob> hi alice", StringComparison.Ordinal)));

        _backend.Inner.SendInput("bo\tlunch?\r");

        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "bob: lunch?"), await _link.NextSentAsync<SendMessage>());
        _link.Receive(new RoomMessage("#lobby", 2, 0, "alice", MessageKind.Say, "bob: lunch?", false));
        await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<alice> bob: lunch?", StringComparison.Ordinal)));
        _backend.Inner.SendInput("/quit\r");
        Assert.Equal(new Bye("leaving"), await _link.NextSentAsync<Bye>());
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
        Assert.False(_backend.Inner.IsAlternateScreen);
    }

    [Fact]
    public async Task A_multi_line_paste_is_sent_as_one_message()
    {
        var run = Start();
        await HandshakeAsync();
        await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<bob> hi alice", StringComparison.Ordinal)));

        _backend.Inner.SendInput("\u001b[200~one\ntwo\nthree\u001b[201~\r");

        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "one\ntwo\nthree"), await _link.NextSentAsync<SendMessage>());
        _backend.Inner.SendInput("\u0003");
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
        Assert.Empty(_link.DrainSent().OfType<SendMessage>());
    }

    [Fact]
    public async Task Cancellation_from_outside_restores_the_terminal_and_exits_130()
    {
        using var cancel = new CancellationTokenSource();
        var run = Start(cancel.Token);
        await HandshakeAsync();
        await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<bob> hi alice", StringComparison.Ordinal)));

        await cancel.CancelAsync();

        Assert.Equal(ChatScreen.ExitInterrupted, await run.WaitAsync(Wait));
        Assert.False(_backend.Inner.IsAlternateScreen);
        Assert.True(_backend.Inner.CursorVisible);
    }

    [Fact]
    public async Task Unread_counts_show_in_the_room_list_and_switching_shows_the_unread_marker()
    {
        var run = Start();
        await HandshakeAsync();
        _link.Receive(
            new RoomJoined("#dev", "", 1, new[] { new Member("alice", "") }),
            new HistoryBegin("#dev", 1, 1, 0),
            new RoomMessage("#dev", 1, 0, "carol", MessageKind.Say, "old news", true),
            new HistoryEnd("#dev"));
        await _backend.WaitForFrameAsync(f => f.Any(l => l.StartsWith("2 #dev       │", StringComparison.Ordinal)));
        _backend.Inner.SendInput("\u001b2");
        await _backend.WaitForFrameAsync(f => f[0].StartsWith(" #dev", StringComparison.Ordinal));
        _backend.Inner.SendInput("\u001b1");
        await _backend.WaitForFrameAsync(f => f[0].StartsWith(" #lobby", StringComparison.Ordinal));

        _link.Receive(new RoomMessage("#dev", 2, 0, "carol", MessageKind.Say, "alice: fresh", false));
        await _backend.WaitForFrameAsync(f => f.Any(l => l.StartsWith("2 #dev     @1│", StringComparison.Ordinal)));
        _backend.Inner.SendInput("\u0018");
        var frame = await _backend.WaitForFrameAsync(f => f[0].StartsWith(" #dev", StringComparison.Ordinal));

        var body = frame.Select(l => l.Length > 14 ? l[14..] : "").ToList();
        int old = body.FindIndex(l => l.Contains("<carol> old news", StringComparison.Ordinal));
        int marker = body.FindIndex(l => l.Contains(" unread ", StringComparison.Ordinal) && l.Contains('─'));
        int fresh = body.FindIndex(l => l.Contains("<carol> alice: fresh", StringComparison.Ordinal));
        Assert.True(old >= 0 && old < marker && marker < fresh, string.Join("\n", frame));
        _backend.Inner.SendInput("\u0004");
        Assert.Equal(ChatScreen.ExitOk, await run.WaitAsync(Wait));
    }

    [Fact]
    public async Task An_exception_inside_the_screen_still_restores_the_terminal()
    {
        var run = Start();
        await HandshakeAsync();
        await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<bob> hi alice", StringComparison.Ordinal)));

        _backend.FailNextFlush = true;
        _link.Receive(new RoomMessage("#lobby", 2, 0, "bob", MessageKind.Say, "boom", false));

        await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(Wait));
        Assert.False(_backend.Inner.IsAlternateScreen);
        Assert.True(_backend.Inner.CursorVisible);
    }

    [Fact]
    public async Task A_refused_connection_is_one_line_before_the_screen_is_taken()
    {
        _link.Transport.ConnectAsync(default!, default).ReturnsForAnyArgs(
            Task.FromException(new ChatConnectException(ConnectFailure.Refused, new ChatEndpoint("127.0.0.1", 7777), "connection refused")));

        Assert.Equal(ChatScreen.ExitConnectionFailed, await Start().WaitAsync(Wait));

        Assert.Equal("termchat: cannot connect to 127.0.0.1:7777: connection refused" + Environment.NewLine, _error.ToString());
        Assert.False(_backend.Inner.IsEntered);
        Assert.Empty(_backend.Inner.Writes);
    }
}
