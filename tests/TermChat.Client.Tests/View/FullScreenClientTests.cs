using NSubstitute;
using TermChat.Client.Tests.Fakes;
using TermChat.Client.Transports;
using TermChat.Client.View;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.View;

public sealed class FullScreenClientTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly ScriptedLink _link = new();
    private readonly WatchedBackend _backend = new(80, 10);
    private readonly StringWriter _error = new();

    private Task<int> Start()
    {
        var registry = new TransportRegistry();
        registry.Register("tcp", () => _link.Transport);
        return FullScreenClient.RunAsync(new FullScreenOptions
        {
            Endpoint = new ChatEndpoint("127.0.0.1", 7777),
            Nick = "alice",
            Backend = _backend,
            Error = _error,
            Transports = registry,
            MinFrameInterval = TimeSpan.Zero,
        }, CancellationToken.None);
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
    public async Task The_screen_shows_topic_rooms_scrollback_members_status_and_input()
    {
        var run = Start();
        await HandshakeAsync();

        var frame = await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<bob> hi alice", StringComparison.Ordinal)));

        Assert.StartsWith(" #lobby — ship friday", frame[0]);
        Assert.StartsWith(" rooms ", frame[1]);
        Assert.Contains("1.#lobby", frame[2]);
        Assert.Contains("alice", frame[2][^18..]);
        Assert.Contains("bob (away)", frame[3][^18..]);
        Assert.StartsWith(" alice @ 127.0.0.1:7777 [TCP] async mode", frame[8]);
        Assert.EndsWith("connected ", frame[8]);
        Assert.StartsWith("[#lobby] ", frame[9]);
        _backend.Inner.SendInput("\u0003");
        Assert.Equal(0, await run.WaitAsync(Wait));
        Assert.False(_backend.Inner.IsAlternateScreen);
    }

    [Fact]
    public async Task Typed_lines_are_sent_and_tab_completes_nicks()
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
        Assert.Equal(0, await run.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_multi_line_paste_sends_one_message_per_line_in_order()
    {
        var run = Start();
        await HandshakeAsync();
        await _backend.WaitForFrameAsync(f => f.Any(l => l.Contains("<bob> hi alice", StringComparison.Ordinal)));

        _backend.Inner.SendInput("\u001b[200~one\ntwo\nthree\u001b[201~\r");

        Assert.Equal(
            ["one", "two", "three"],
            [(await _link.NextSentAsync<SendMessage>()).Text, (await _link.NextSentAsync<SendMessage>()).Text, (await _link.NextSentAsync<SendMessage>()).Text]);
        _backend.Inner.SendInput("\u0003");
        Assert.Equal(0, await run.WaitAsync(Wait));
    }

    [Fact]
    public async Task Unread_counts_show_in_the_room_list_and_switching_shows_the_new_marker()
    {
        var run = Start();
        await HandshakeAsync();
        _link.Receive(
            new RoomJoined("#dev", "", 1, new[] { new Member("alice", "") }),
            new HistoryBegin("#dev", 1, 1, 0),
            new RoomMessage("#dev", 1, 0, "carol", MessageKind.Say, "old news", true),
            new HistoryEnd("#dev"));
        await _backend.WaitForFrameAsync(f => f.Any(l => l.StartsWith("2.#dev", StringComparison.Ordinal)));
        _backend.Inner.SendInput("2");
        await _backend.WaitForFrameAsync(f => f[0].StartsWith(" #dev", StringComparison.Ordinal));
        _backend.Inner.SendInput("1");
        await _backend.WaitForFrameAsync(f => f[0].StartsWith(" #lobby", StringComparison.Ordinal));

        _link.Receive(new RoomMessage("#dev", 2, 0, "carol", MessageKind.Say, "alice: fresh", false));
        await _backend.WaitForFrameAsync(f => f.Any(l => l.StartsWith("2.#dev 1", StringComparison.Ordinal)));
        _backend.Inner.SendInput("");
        var frame = await _backend.WaitForFrameAsync(f => f[0].StartsWith(" #dev", StringComparison.Ordinal));

        var body = frame.Select(l => l.Length > 18 ? l[18..] : "").ToList();
        int old = body.FindIndex(l => l.Contains("<carol> old news", StringComparison.Ordinal));
        int marker = body.FindIndex(l => l.Contains(" new ", StringComparison.Ordinal) && l.Contains('─'));
        int fresh = body.FindIndex(l => l.Contains("<carol> alice: fresh", StringComparison.Ordinal));
        Assert.True(old >= 0 && old < marker && marker < fresh, string.Join("\n", frame));
        _backend.Inner.SendInput("");
        Assert.Equal(0, await run.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_refused_connection_is_one_line_before_the_screen_is_taken()
    {
        _link.Transport.ConnectAsync(default!, default).ReturnsForAnyArgs(
            Task.FromException(new ChatConnectException(ConnectFailure.Refused, new ChatEndpoint("127.0.0.1", 7777), "connection refused")));

        Assert.Equal(1, await Start().WaitAsync(Wait));

        Assert.Equal("termchat: cannot connect to 127.0.0.1:7777: connection refused" + Environment.NewLine, _error.ToString());
        Assert.False(_backend.Inner.IsEntered);
    }
}
