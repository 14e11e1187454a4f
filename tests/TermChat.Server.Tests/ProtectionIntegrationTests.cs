using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests;

/// <summary>Malformed input, timeouts, flood control, slow consumers, caps and shutdown, in every mode.</summary>
public sealed class ProtectionIntegrationTests
{
    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Garbage_and_an_oversized_length_close_only_the_offending_connections(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");

        await using var garbage = await server.ConnectAsync("mallory");
        await garbage.SendRawAsync(new byte[] { 0, 0, 0, 3, 0x7F, 1, 2 });
        Assert.Equal(ErrorCode.UnknownType, (await garbage.ReceiveAsync<Error>()).Code);
        await garbage.WaitClosedAsync();

        await using var huge = await TestChatClient.ConnectRawAsync(server.EndPoint);
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, int.MaxValue);
        await huge.SendRawAsync(prefix);
        Assert.Equal(ErrorCode.FrameTooLarge, (await huge.ReceiveAsync<Error>()).Code);
        await huge.WaitClosedAsync();

        await using var badUtf8 = await TestChatClient.ConnectRawAsync(server.EndPoint);
        byte[] hello = FrameEncoder.ToArray(new Hello(ProtocolLimits.Version, "zed", default, Array.Empty<RoomCursor>()));
        hello[4 + 1 + 4 + 2 + 2] = 0xFF; // first byte of the nick
        await badUtf8.SendRawAsync(hello);
        var utf8Error = await badUtf8.ReceiveAsync<Error>();
        Assert.True(utf8Error.Code is ErrorCode.InvalidUtf8, utf8Error.ToString());
        await badUtf8.WaitClosedAsync();

        await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, "still fine"));
        var message = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal(("alice", "still fine"), (message.From, message.Text));
        Assert.Equal(3, server.Server.Stats.ProtocolErrors);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_client_that_never_says_hello_is_timed_out(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));
        await using var silent = await TestChatClient.ConnectRawAsync(server.EndPoint);
        Assert.Equal(ErrorCode.HandshakeTimeout, (await silent.ReceiveAsync<Error>()).Code);
        await silent.WaitClosedAsync();
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_client_that_ignores_keepalive_pings_is_dropped_and_its_rooms_told(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            // The watcher answers pings, so it survives even on a busy machine; the deaf client does not.
            o.KeepaliveInterval = TimeSpan.FromMilliseconds(300);
            o.IdleTimeout = TimeSpan.FromSeconds(2);
            o.ResumeWindow = TimeSpan.Zero;
        });
        await using var watcher = await server.ConnectAsync("watcher");
        await using var deaf = await server.ConnectAsync("deaf");
        deaf.AnswerPings = false;
        await deaf.ReceiveAsync<Ping>();
        var timeout = await deaf.ReceiveAsync<Error>();
        Assert.Equal(ErrorCode.IdleTimeout, timeout.Code);
        await deaf.WaitClosedAsync();
        var quit = (RoomEvent)await watcher.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "deaf" });
        Assert.Equal("ping timeout", quit.Detail);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_flooder_is_slowed_and_told_but_loses_nothing(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.FloodBurst = 3;
            o.FloodRate = 20;
        });
        await using var flooder = await server.ConnectAsync("flooder");
        await using var reader = await server.ConnectAsync("reader");
        await flooder.BarrierAsync();
        var clock = Stopwatch.StartNew();
        const int Count = 15;
        await flooder.SendManyAsync(Enumerable.Range(0, Count).Select(i => new SendMessage("#lobby", MessageKind.Say, $"flood {i}")));

        var echoed = new List<string>();
        Error? notice = null;
        while (echoed.Count < Count)
        {
            var next = await flooder.ExpectAsync(m => m is RoomMessage { Replay: false } or Error);
            if (next is Error error) notice = error;
            else echoed.Add(((RoomMessage)next).Text);
        }
        clock.Stop();
        var seen = new List<string>();
        while (seen.Count < Count) seen.Add(((RoomMessage)await reader.ExpectAsync(m => m is RoomMessage { Replay: false, From: "flooder" })).Text);

        var expected = Enumerable.Range(0, Count).Select(i => $"flood {i}").ToList();
        Assert.Equal(expected, echoed);
        Assert.Equal(expected, seen);
        Assert.NotNull(notice);
        Assert.Equal(ErrorCode.Flood, notice.Code);
        // 12 messages beyond the burst at 20/s cannot take less than 0.6 s (a lower bound only).
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), $"took {clock.Elapsed}");
        Assert.True(server.Server.Stats.FloodDelays > 0);
        // The flooder is still connected and can chat.
        Assert.DoesNotContain(await flooder.BarrierAsync(), m => m is Error);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_pasted_block_of_five_messages_passes_flood_control_untouched(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var paster = await server.ConnectAsync("paster");
        await paster.SendManyAsync(Enumerable.Range(0, 5).Select(i => new SendMessage("#lobby", MessageKind.Say, $"line {i}")));
        await paster.SendAsync(new SendMessage("#lobby", MessageKind.Say, "one\nmessage\nwith\nnewlines"));
        var before = await paster.BarrierAsync();
        Assert.DoesNotContain(before, m => m is Error);
        Assert.Equal(6, before.Count(m => m is RoomMessage { Replay: false }));
        Assert.Equal(0, server.Server.Stats.FloodDelays);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_slow_consumer_is_disconnected_with_bounded_memory_while_others_keep_receiving(ServerMode mode)
    {
        const int SendQueueLimit = 64 * 1024;
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.FloodRate = 0;
            o.MaxSendQueueBytes = SendQueueLimit;
            o.ResumeWindow = TimeSpan.Zero;
        });
        await using var talker = await server.ConnectAsync("talker");
        await using var listener = await server.ConnectAsync("listener");

        // A client with a tiny receive window that never reads.
        using var slow = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await slow.ConnectAsync(server.EndPoint);
        await slow.SendAsync(FrameEncoder.ToArray(new Hello(ProtocolLimits.Version, "sloth", default, Array.Empty<RoomCursor>())), SocketFlags.None);
        await talker.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "sloth" });

        string text = new('x', 2000);
        int sent = 0;
        var texts = new List<string>();
        while (server.Server.Stats.SlowConsumers == 0)
        {
            Assert.True(sent < 20_000, $"the slow consumer was never disconnected: peak {server.Server.Stats.SendQueuePeakEver} conns {server.Server.Stats.Connections} {server.Server.Stats.DisconnectSummary()}");
            await talker.SendManyAsync(Enumerable.Range(sent, 10).Select(i => new SendMessage("#lobby", MessageKind.Say, $"{i} {text}")));
            sent += 10;
            // Both readers keep up (a barrier each), so only the client that never reads falls behind.
            await talker.BarrierAsync(TimeSpan.FromSeconds(30));
            texts.AddRange((await listener.BarrierAsync(TimeSpan.FromSeconds(30))).OfType<RoomMessage>().Where(m => !m.Replay && m.From == "talker").Select(m => m.Text));
        }
        var quit = (RoomEvent)await talker.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "sloth" }, TimeSpan.FromSeconds(30));
        Assert.Equal("send queue exceeded", quit.Detail);
        Assert.Equal(1, server.Server.Stats.Disconnects(DisconnectReason.SendQueueExceeded));
        Assert.True(server.Server.Stats.SendQueuePeakEver <= SendQueueLimit, $"send queue peaked at {server.Server.Stats.SendQueuePeakEver}");

        // The reader got every message, in order, while the slow consumer was being cut off.
        await talker.SendAsync(new SendMessage("#lobby", MessageKind.Say, "last"));
        while (true)
        {
            var message = (RoomMessage)await listener.ExpectAsync(m => m is RoomMessage { Replay: false, From: "talker" }, TimeSpan.FromSeconds(30));
            if (message.Text == "last") break;
            texts.Add(message.Text);
        }
        Assert.Equal(Enumerable.Range(0, sent).Select(i => $"{i} {text}"), texts);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Connections_over_the_client_limit_are_refused_as_server_full(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.MaxClients = 2);
        await using var first = await server.ConnectAsync("first");
        await using var second = await server.ConnectAsync("second");
        // A client speaks first (its Hello, or a TLS ClientHello): the refusal answers in what it speaks.
        var third = await Assert.ThrowsAsync<ServerErrorException>(() => server.ConnectAsync("third"));
        Assert.Equal(ErrorCode.ServerFull, third.Error.Code);
        Assert.Empty((await second.BarrierAsync()).OfType<Error>());
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Connections_over_the_per_address_limit_are_refused(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.MaxPerIp = 2);
        await using var first = await server.ConnectAsync("first");
        await using var second = await server.ConnectAsync("second");
        var third = await Assert.ThrowsAsync<ServerErrorException>(() => server.ConnectAsync("third"));
        Assert.Equal(ErrorCode.TooManyConnections, third.Error.Code);

        // A slot frees when a client leaves.
        await first.SendAsync(new Bye("leaving"));
        await first.WaitClosedAsync();
        await second.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit, Nick: "first" });
        await Eventually.TrueAsync(() => server.Server.ConnectionCount == 1);
        await using var again = await server.ConnectAsync("again");
        Assert.Equal("again", again.Nick);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Shutdown_tells_every_client_and_completes(ServerMode mode)
    {
        var server = await TestServer.StartAsync(mode);
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        await using var handshaking = await TestChatClient.ConnectRawAsync(server.EndPoint);
        await alice.BarrierAsync();
        // A connection still in the listen backlog is reset when the listener closes; only accepted ones are told.
        await Eventually.TrueAsync(() => server.Server.Stats.Connections == 3);

        var stop = server.Server.StopAsync();
        foreach (var client in new[] { alice, bob, handshaking })
        {
            var error = await client.ReceiveAsync<Error>();
            Assert.Equal(new Error(ErrorCode.ServerShutdown, "server shutting down"), error);
            await client.WaitClosedAsync();
        }
        await stop.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(server.Server.Completion.IsCompleted);
        await server.DisposeAsync(); // idempotent
        await Assert.ThrowsAnyAsync<SocketException>(() => TestChatClient.ConnectRawAsync(server.EndPoint));
    }
}
