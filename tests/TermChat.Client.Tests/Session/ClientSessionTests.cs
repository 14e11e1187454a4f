using NSubstitute;
using TermChat.Client.Session;
using TermChat.Client.Tests.Fakes;
using TermChat.TestKit.Server;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.Session;

public sealed class ClientSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly ResumeToken Token = new(0x1111, 0x2222);
    private readonly ManualTimeProvider _time = new();
    private readonly Queue<ScriptedLink> _links = new();
    private readonly List<ScriptedLink> _created = [];
    private readonly TransportRegistry _registry = new();
    private ClientSession _session = null!;

    public Task InitializeAsync()
    {
        _registry.Register("tcp", () => Next("TCP"));
        _registry.Register("udp", () => Next("UDP"));
        _session = NewSession();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _session.DisposeAsync();

    private ClientSession NewSession(int maxAttempts = 0, int nickFallbacks = 3) => new(new ClientSessionOptions
    {
        Endpoint = new ChatEndpoint("127.0.0.1", 7777),
        Nick = "alice",
        TimeProvider = _time,
        Jitter = () => 0.5,
        MaxReconnectAttempts = maxAttempts,
        NickFallbacks = nickFallbacks,
    }, _registry);

    private async Task UseSessionAsync(ClientSession session)
    {
        await _session.DisposeAsync();
        _session = session;
    }

    private IChatTransport Next(string name)
    {
        var link = _links.Count > 0 ? _links.Dequeue() : new ScriptedLink(name);
        _created.Add(link);
        return link.Transport;
    }

    private ScriptedLink Expect()
    {
        var link = new ScriptedLink();
        _links.Enqueue(link);
        return link;
    }

    private static Welcome WelcomeFor(string nick, bool resumed = false) =>
        new(ProtocolLimits.Version, nick, Token, resumed, "test", "async", 15, "");

    private async Task<ScriptedLink> ConnectAsync()
    {
        var link = Expect();
        var connect = _session.ConnectAsync(CancellationToken.None);
        await link.NextSentAsync<Hello>();
        link.Receive(WelcomeFor("alice"));
        await connect.WaitAsync(Wait);
        await NextEventAsync<ConnectionStateEvent>();
        await NextEventAsync<ConnectionStateEvent>();
        return link;
    }

    private async Task<T> NextEventAsync<T>() where T : SessionEvent
    {
        while (true)
        {
            var item = await _session.Events.ReadAsync().AsTask().WaitAsync(Wait);
            if (item is T match)
            {
                return match;
            }
        }
    }

    private async Task<Message> NextMessageAsync() => (await NextEventAsync<ServerMessageEvent>()).Message;

    /// <summary>Drops <paramref name="current"/> and returns the Hello the session sends on <paramref name="next"/> after the first backoff.</summary>
    private async Task<Hello> DropAndReconnectAsync(ScriptedLink current, ScriptedLink next)
    {
        current.Fail();
        await NextEventAsync<ConnectionStateEvent>();
        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromMilliseconds(500));
        return await next.NextSentAsync<Hello>();
    }

    [Fact]
    public async Task First_connect_sends_a_hello_with_the_nick_and_no_token_and_returns_the_welcome()
    {
        var link = Expect();
        var connect = _session.ConnectAsync(CancellationToken.None);

        var hello = await link.NextSentAsync<Hello>();
        link.Receive(WelcomeFor("alice"));
        var welcome = await connect.WaitAsync(Wait);

        Assert.Equal(new Hello(ProtocolLimits.Version, "alice", ResumeToken.None, ValueList<RoomCursor>.Empty), hello);
        Assert.Equal(WelcomeFor("alice"), welcome);
        Assert.Equal("alice", _session.Nick);
    }

    [Fact]
    public async Task An_older_server_refusing_version_3_is_asked_again_one_version_down_on_a_new_link_each_time()
    {
        var first = Expect();
        var second = Expect();
        var third = Expect();
        var connect = _session.ConnectAsync(CancellationToken.None);

        Assert.Equal(ProtocolLimits.Version, (await first.NextSentAsync<Hello>()).Version);
        first.Receive(new Error(ErrorCode.BadHandshake, "Protocol version 3 is not supported; this peer speaks 1 to 2."));
        Assert.Equal(2, (await second.NextSentAsync<Hello>()).Version);
        second.Receive(new Error(ErrorCode.BadHandshake, "Protocol version 2 is not supported; this peer speaks 1."));
        var retry = await third.NextSentAsync<Hello>();
        third.Receive(WelcomeFor("alice") with { Version = 1 });
        var welcome = await connect.WaitAsync(Wait);

        Assert.Equal(new Hello(1, "alice", ResumeToken.None, ValueList<RoomCursor>.Empty), retry);
        Assert.Equal(1, welcome.Version);
        Assert.True(first.Closed && second.Closed);
    }

    [Fact]
    public async Task A_server_refusing_version_1_too_fails_the_connect_with_its_reason()
    {
        var links = new[] { Expect(), Expect(), Expect() };
        var connect = _session.ConnectAsync(CancellationToken.None);
        foreach (var link in links)
        {
            await link.NextSentAsync<Hello>();
            link.Receive(new Error(ErrorCode.BadHandshake, "The hello does not start with the TermChat magic."));
        }

        var error = await Assert.ThrowsAsync<ChatSessionException>(() => connect.WaitAsync(Wait));

        Assert.Equal(ErrorCode.BadHandshake, error.Code);
        Assert.Equal(3, _created.Count);
    }

    [Fact]
    public async Task Nick_in_use_on_first_connect_fails_with_a_clear_message_when_fallbacks_are_off()
    {
        await UseSessionAsync(NewSession(nickFallbacks: 0));
        var link = Expect();
        var connect = _session.ConnectAsync(CancellationToken.None);
        await link.NextSentAsync<Hello>();
        link.Receive(new Error(ErrorCode.NickInUse, "The nick alice is in use; choose another."));

        var error = await Assert.ThrowsAsync<ChatSessionException>(() => connect.WaitAsync(Wait));

        Assert.Equal(ErrorCode.NickInUse, error.Code);
        Assert.Equal("the nick 'alice' is already in use on 127.0.0.1:7777; choose another with --nick", error.Message);
        Assert.True(link.Closed);
    }

    [Fact]
    public async Task A_server_that_refuses_and_closes_before_the_hello_is_sent_is_still_heard_saying_why()
    {
        await UseSessionAsync(NewSession(nickFallbacks: 0));
        var link = Expect();
        // The refusal is there, and the link closed, by the time the client sends its Hello.
        link.CloseAfter(new Error(ErrorCode.EncryptionRequired, "This server accepts only encrypted (DTLS) datagrams from your address."));

        var error = await Assert.ThrowsAsync<ChatSessionException>(() => _session.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(ErrorCode.EncryptionRequired, error.Code);
        Assert.Equal("127.0.0.1:7777 accepts only encrypted connections from this address; connect with --tls (and without --plaintext)", error.Message);
    }

    [Fact]
    public async Task Nick_in_use_on_first_connect_tries_an_alternate_on_a_new_link_and_says_so()
    {
        var refused = Expect();
        var accepted = Expect();
        var connect = _session.ConnectAsync(CancellationToken.None);
        Assert.Equal("alice", (await refused.NextSentAsync<Hello>()).Nick);
        refused.Receive(new Error(ErrorCode.NickInUse, "The nick alice is in use; choose another."));

        var retry = await accepted.NextSentAsync<Hello>();
        accepted.Receive(WelcomeFor("alice_"));
        var welcome = await connect.WaitAsync(Wait);

        Assert.Equal("alice_", retry.Nick);
        Assert.Equal("alice_", welcome.Nick);
        Assert.Equal("alice_", _session.Nick);
        Assert.True(refused.Closed);
        Assert.Equal(new NickFallbackEvent("alice", "alice_"), await NextEventAsync<NickFallbackEvent>());
    }

    [Fact]
    public async Task When_every_alternate_is_in_use_the_error_names_the_nick_asked_for()
    {
        await UseSessionAsync(NewSession(nickFallbacks: 2));
        var links = new[] { Expect(), Expect(), Expect() };
        var connect = _session.ConnectAsync(CancellationToken.None);
        var asked = new List<string>();
        foreach (var link in links)
        {
            asked.Add((await link.NextSentAsync<Hello>()).Nick);
            link.Receive(new Error(ErrorCode.NickInUse, "in use"));
        }

        var error = await Assert.ThrowsAsync<ChatSessionException>(() => connect.WaitAsync(Wait));

        Assert.Equal(["alice", "alice_", "alice__"], asked);
        Assert.Equal(ErrorCode.NickInUse, error.Code);
        Assert.Equal("the nick 'alice' is already in use on 127.0.0.1:7777, as are the 2 alternates tried after it; choose another with --nick", error.Message);
    }

    [Fact]
    public async Task Other_refusals_are_not_retried_with_another_nick()
    {
        var link = Expect();
        var connect = _session.ConnectAsync(CancellationToken.None);
        await link.NextSentAsync<Hello>();
        link.Receive(new Error(ErrorCode.ServerFull, "full"));

        var error = await Assert.ThrowsAsync<ChatSessionException>(() => connect.WaitAsync(Wait));

        Assert.Equal(ErrorCode.ServerFull, error.Code);
        Assert.Single(_created);
    }

    [Fact]
    public async Task A_dropped_link_reconnects_after_backoff_and_resumes_with_token_and_cursors()
    {
        var first = await ConnectAsync();
        first.Receive(
            new RoomJoined("#lobby", "", 2, new[] { new Member("alice", "") }),
            new RoomMessage("#lobby", 1, 1000, "bob", MessageKind.Say, "one", true),
            new RoomMessage("#lobby", 2, 1000, "bob", MessageKind.Say, "two", true));
        for (int i = 0; i < 3; i++)
        {
            await NextMessageAsync();
        }

        var second = Expect();
        first.Fail();
        var reconnecting = await NextEventAsync<ConnectionStateEvent>();
        Assert.Equal(new Reconnecting(1, TimeSpan.FromMilliseconds(500), "the connection was reset by the server"), reconnecting.State);

        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromMilliseconds(500));
        var hello = await second.NextSentAsync<Hello>();

        Assert.Equal(new Hello(ProtocolLimits.Version, "alice", Token, new[] { new RoomCursor("#lobby", 2) }), hello);
    }

    [Fact]
    public async Task After_resume_replayed_messages_already_seen_are_dropped_and_the_rest_pass_once()
    {
        var first = await ConnectAsync();
        first.Receive(
            new RoomJoined("#lobby", "", 1, new[] { new Member("alice", "") }),
            new RoomMessage("#lobby", 1, 1000, "bob", MessageKind.Say, "one", false));
        await NextMessageAsync();
        await NextMessageAsync();
        var second = Expect();
        await DropAndReconnectAsync(first, second);

        second.Receive(
            WelcomeFor("alice", resumed: true),
            new RoomJoined("#lobby", "", 3, new[] { new Member("alice", "") }),
            new HistoryBegin("#lobby", 1, 3, 0),
            new RoomMessage("#lobby", 1, 1000, "bob", MessageKind.Say, "one", true),
            new RoomMessage("#lobby", 2, 1000, "bob", MessageKind.Say, "two", true),
            new RoomMessage("#lobby", 3, 1000, "bob", MessageKind.Say, "three", true),
            new HistoryEnd("#lobby"),
            new RoomMessage("#lobby", 3, 1000, "bob", MessageKind.Say, "three", false),
            new RoomMessage("#lobby", 4, 1000, "bob", MessageKind.Say, "four", false));

        var seen = new List<Message>();
        while (seen.Count < 7)
        {
            seen.Add(await NextMessageAsync());
        }
        Assert.Equal(
            [
                WelcomeFor("alice", resumed: true),
                new RoomJoined("#lobby", "", 3, new[] { new Member("alice", "") }),
                new HistoryBegin("#lobby", 1, 3, 0),
                new RoomMessage("#lobby", 2, 1000, "bob", MessageKind.Say, "two", true),
                new RoomMessage("#lobby", 3, 1000, "bob", MessageKind.Say, "three", true),
                new HistoryEnd("#lobby"),
                new RoomMessage("#lobby", 4, 1000, "bob", MessageKind.Say, "four", false),
            ], seen);
    }

    [Fact]
    public async Task Input_the_server_never_acknowledged_is_resent_after_reconnect_and_acknowledged_input_is_not()
    {
        var first = await ConnectAsync();
        await _session.SendAsync(new SendMessage("#lobby", MessageKind.Say, "acked"), CancellationToken.None);
        var ackPing = await first.NextSentAsync<Ping>();
        first.Receive(new Pong(ackPing.Nonce));
        await NextEventAsync<LinkStatsEvent>();
        await _session.SendAsync(new SendMessage("#lobby", MessageKind.Say, "lost"), CancellationToken.None);
        await first.NextSentAsync<Ping>();

        var second = Expect();
        await DropAndReconnectAsync(first, second);
        second.Receive(WelcomeFor("alice", resumed: true));

        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "lost"), await second.NextSentAsync());
    }

    [Fact]
    public async Task Input_typed_while_reconnecting_is_held_and_sent_in_order_after_resume()
    {
        var first = await ConnectAsync();
        var second = Expect();
        first.Fail();
        await NextEventAsync<ConnectionStateEvent>();

        var typed = _session.SendAsync(new SendMessage("#lobby", MessageKind.Say, "while away"), CancellationToken.None).AsTask();
        Assert.False(typed.IsCompleted);
        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromMilliseconds(500));
        await second.NextSentAsync<Hello>();
        second.Receive(WelcomeFor("alice", resumed: true));
        await typed.WaitAsync(Wait);

        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "while away"), await second.NextSentAsync());
    }

    [Fact]
    public async Task Flush_completes_only_when_the_server_answers_the_barrier_ping()
    {
        var link = await ConnectAsync();
        var flush = _session.FlushAsync(CancellationToken.None);
        var ping = await link.NextSentAsync<Ping>();
        Assert.False(flush.IsCompleted);

        link.Receive(new Pong(ping.Nonce));

        await flush.WaitAsync(Wait);
    }

    [Fact]
    public async Task Reconnect_delays_grow_exponentially_with_jitter_up_to_the_cap()
    {
        var session = new ClientSession(new ClientSessionOptions
        {
            Endpoint = new ChatEndpoint("h", 1),
            Nick = "a",
            ReconnectBaseDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(10),
            Jitter = () => 1.0,
        }, _registry);
        await using (session)
        {
            Assert.Equal(
                [1.2, 2.4, 4.8, 9.6, 12, 12],
                Enumerable.Range(1, 6).Select(a => Math.Round(session.Backoff(a).TotalSeconds, 3)).ToArray());
        }
    }

    [Fact]
    public async Task Failed_attempts_are_reported_with_their_number_and_the_session_gives_up_after_the_limit()
    {
        await _session.DisposeAsync();
        _session = NewSession(maxAttempts: 2);
        var first = await ConnectAsync();
        var failing = Expect();
        failing.Transport.ConnectAsync(default!, default).ReturnsForAnyArgs(
            Task.FromException(new ChatConnectException(ConnectFailure.Refused, new ChatEndpoint("127.0.0.1", 7777), "connection refused")));
        var failingAgain = Expect();
        failingAgain.Transport.ConnectAsync(default!, default).ReturnsForAnyArgs(
            Task.FromException(new ChatConnectException(ConnectFailure.Refused, new ChatEndpoint("127.0.0.1", 7777), "connection refused")));

        first.Fail();
        var states = new List<ConnectionState>();
        states.Add((await NextEventAsync<ConnectionStateEvent>()).State);
        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromMilliseconds(500));
        states.Add((await NextEventAsync<ConnectionStateEvent>()).State);
        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromMilliseconds(1000));
        states.Add((await NextEventAsync<ConnectionStateEvent>()).State);

        Assert.Equal(
            [
                new Reconnecting(1, TimeSpan.FromMilliseconds(500), "the connection was reset by the server"),
                new Reconnecting(2, TimeSpan.FromMilliseconds(1000), "connection refused"),
                new Disconnected("connection refused (gave up after 2 attempts)"),
            ], states);
        await _session.Events.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task Silence_for_three_keepalive_intervals_drops_the_link_and_reconnects()
    {
        var link = await ConnectAsync();
        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromSeconds(15));
        await link.NextSentAsync<Ping>();
        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromSeconds(15));
        await _time.AdvanceWhenScheduledAsync(TimeSpan.FromSeconds(15));

        var state = await NextEventAsync<ConnectionStateEvent>();

        Assert.Equal(new Reconnecting(1, TimeSpan.FromMilliseconds(500), "no answer from the server for 45 s"), state.State);
    }

    [Fact]
    public async Task Switching_transport_confirms_pending_input_then_resumes_over_the_new_link_and_closes_the_old_without_bye()
    {
        var tcp = await ConnectAsync();
        tcp.Receive(new RoomJoined("#lobby", "", 5, ValueList<Member>.Empty));
        await NextMessageAsync();
        var udp = new ScriptedLink("UDP");
        _links.Enqueue(udp);

        var switching = _session.SwitchTransportAsync("udp", CancellationToken.None);
        var barrier = await tcp.NextSentAsync<Ping>();
        tcp.Receive(new Pong(barrier.Nonce));
        var hello = await udp.NextSentAsync<Hello>();
        udp.Receive(WelcomeFor("alice", resumed: true));
        await switching.WaitAsync(Wait);

        Assert.Equal(new Hello(ProtocolLimits.Version, "alice", Token, new[] { new RoomCursor("#lobby", 0) }), hello);
        Assert.True(tcp.Closed);
        Assert.DoesNotContain(tcp.DrainSent(), m => m is Bye);
        Assert.Equal("UDP", _session.TransportName);
        await _session.SendAsync(new SendMessage("#lobby", MessageKind.Say, "over udp"), CancellationToken.None);
        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "over udp"), await udp.NextSentAsync());
    }

    [Fact]
    public async Task A_failed_switch_keeps_the_old_link_in_use()
    {
        var tcp = await ConnectAsync();
        var udp = new ScriptedLink("UDP");
        udp.Transport.ConnectAsync(default!, default).ReturnsForAnyArgs(
            Task.FromException(new ChatConnectException(ConnectFailure.TimedOut, new ChatEndpoint("127.0.0.1", 7777), "timed out")));
        _links.Enqueue(udp);

        var switching = _session.SwitchTransportAsync("udp", CancellationToken.None);
        var barrier = await tcp.NextSentAsync<Ping>();
        tcp.Receive(new Pong(barrier.Nonce));

        await Assert.ThrowsAsync<ChatConnectException>(() => switching.WaitAsync(Wait));
        Assert.False(tcp.Closed);
        await _session.SendAsync(new SendMessage("#lobby", MessageKind.Say, "still tcp"), CancellationToken.None);
        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "still tcp"), await tcp.NextSentAsync());
    }

    [Fact]
    public async Task Quit_sends_bye_closes_and_ends_the_event_stream()
    {
        var link = await ConnectAsync();

        await _session.QuitAsync("bye now", CancellationToken.None).WaitAsync(Wait);

        Assert.Contains(new Bye("bye now"), link.DrainSent());
        Assert.True(link.Closed);
        var last = await NextEventAsync<ConnectionStateEvent>();
        Assert.Equal(new Disconnected("you quit"), last.State);
        await _session.Events.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_room_log_that_went_backwards_after_a_server_restart_is_shown_again()
    {
        var link = await ConnectAsync();
        link.Receive(
            new RoomJoined("#lobby", "", 9, ValueList<Member>.Empty),
            new RoomMessage("#lobby", 9, 1000, "bob", MessageKind.Say, "old", false),
            new RoomJoined("#lobby", "", 1, ValueList<Member>.Empty),
            new RoomMessage("#lobby", 1, 1000, "bob", MessageKind.Say, "new", true));
        var seen = new List<Message>();
        while (seen.Count < 4)
        {
            seen.Add(await NextMessageAsync());
        }

        Assert.Equal(new RoomMessage("#lobby", 1, 1000, "bob", MessageKind.Say, "new", true), seen[^1]);
    }

    [Fact]
    public async Task A_client_ahead_of_a_resumed_server_takes_its_last_seq_and_shows_what_follows_once()
    {
        var first = await ConnectAsync();
        first.Receive(
            new RoomJoined("#lobby", "", 9, ValueList<Member>.Empty),
            new RoomMessage("#lobby", 9, 1000, "bob", MessageKind.Say, "old", false));
        await NextMessageAsync();
        await NextMessageAsync();
        var second = Expect();
        Assert.Equal(new[] { new RoomCursor("#lobby", 9) }, (await DropAndReconnectAsync(first, second)).Cursors);

        // The cursor is above the room's last seq: the server replays nothing (PROTOCOL.md section 10).
        second.Receive(
            WelcomeFor("alice", resumed: true),
            new RoomJoined("#lobby", "", 2, ValueList<Member>.Empty),
            new HistoryBegin("#lobby", 3, 2, 0),
            new HistoryEnd("#lobby"),
            new RoomMessage("#lobby", 3, 2000, "bob", MessageKind.Say, "new", false),
            new RoomMessage("#lobby", 3, 2000, "bob", MessageKind.Say, "new", false),
            new RoomMessage("#lobby", 4, 2000, "bob", MessageKind.Say, "newer", false));
        var seen = new List<Message>();
        while (seen.Count < 6)
        {
            seen.Add(await NextMessageAsync());
        }
        Assert.Equal(
            [
                WelcomeFor("alice", resumed: true),
                new RoomJoined("#lobby", "", 2, ValueList<Member>.Empty),
                new HistoryBegin("#lobby", 3, 2, 0),
                new HistoryEnd("#lobby"),
                new RoomMessage("#lobby", 3, 2000, "bob", MessageKind.Say, "new", false),
                new RoomMessage("#lobby", 4, 2000, "bob", MessageKind.Say, "newer", false),
            ], seen);

        // The next resume's cursor follows the server's numbering, not the old one.
        var third = Expect();
        Assert.Equal(new[] { new RoomCursor("#lobby", 4) }, (await DropAndReconnectAsync(second, third)).Cursors);
    }
}
