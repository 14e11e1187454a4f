using System.Buffers;
using System.Net;
using System.Net.Sockets;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.Transports;

public sealed class TcpTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connecting_to_a_closed_port_fails_as_refused_with_a_hint()
    {
        int port = UnusedPort();
        await using var transport = new TcpTransport(new TcpTransportOptions());

        var error = await Assert.ThrowsAsync<ChatConnectException>(() => transport.ConnectAsync(new ChatEndpoint("127.0.0.1", port), CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(ConnectFailure.Refused, error.Failure);
        Assert.Equal($"cannot connect to 127.0.0.1:{port}: connection refused (is the server running? start one with 'termchat serve')", error.Message);
    }

    [Fact]
    public async Task An_unresolvable_name_fails_as_name_not_resolved()
    {
        await using var transport = new TcpTransport(new TcpTransportOptions());

        var error = await Assert.ThrowsAsync<ChatConnectException>(() => transport.ConnectAsync(new ChatEndpoint("no-such-host.invalid", 7777), CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(ConnectFailure.NameNotResolved, error.Failure);
        Assert.Equal("cannot connect to no-such-host.invalid:7777: the name 'no-such-host.invalid' does not resolve (check the spelling, or use an IP address)", error.Message);
    }

    [Fact]
    public async Task Frames_split_into_single_bytes_decode_into_the_same_messages_in_order()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(new TcpTransportOptions());
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using var server = await accept.WaitAsync(Wait);
        Message[] messages =
        [
            new Notice("", "hello"),
            new RoomMessage("#lobby", 1, 5, "bob", MessageKind.Say, new string('x', 5000), false),
            new Pong(7),
        ];
        byte[] bytes = messages.SelectMany(FrameEncoder.ToArray).ToArray();

        foreach (byte b in bytes)
        {
            await server.SendAsync(new[] { b });
        }
        var received = new List<Message>();
        while (received.Count < messages.Length)
        {
            received.Add(await transport.Incoming.ReadAsync().AsTask().WaitAsync(Wait));
        }

        Assert.Equal(messages, received);
    }

    [Fact]
    public async Task Sent_messages_arrive_as_frames_in_order()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(new TcpTransportOptions());
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using var server = await accept.WaitAsync(Wait);
        var sent = Enumerable.Range(0, 300).Select(i => (Message)new SendMessage("#lobby", MessageKind.Say, $"line {i}")).ToArray();

        foreach (var message in sent)
        {
            await transport.SendAsync(message, CancellationToken.None);
        }
        await transport.CloseAsync(CancellationToken.None);
        var received = await ReadAllFramesAsync(server);

        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task A_frame_over_the_limit_ends_the_link_with_a_clear_reason()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(new TcpTransportOptions { MaxFrameBytes = 1024 });
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using var server = await accept.WaitAsync(Wait);

        await server.SendAsync(new byte[] { 0, 1, 0, 0 });

        var error = await Assert.ThrowsAsync<ChatLinkException>(() => transport.Incoming.Completion.WaitAsync(Wait));
        Assert.Equal("the server sent an invalid frame: The frame length 65536 exceeds the limit of 1024 bytes.", error.Message);
    }

    [Fact]
    public async Task The_server_closing_completes_incoming_normally()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(new TcpTransportOptions());
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using (var server = await accept.WaitAsync(Wait))
        {
            await server.SendAsync(FrameEncoder.ToArray(new Bye("shutting down")));
            server.Shutdown(SocketShutdown.Both);
        }

        Assert.Equal(new Bye("shutting down"), await transport.Incoming.ReadAsync().AsTask().WaitAsync(Wait));
        await transport.Incoming.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_send_after_the_server_closed_says_the_server_closed_it()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(new TcpTransportOptions());
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using (var server = await accept.WaitAsync(Wait))
        {
            server.Shutdown(SocketShutdown.Both);
        }
        await transport.Incoming.Completion.WaitAsync(Wait);

        var error = await Assert.ThrowsAsync<ChatLinkException>(() => transport.SendAsync(new Ping(1), CancellationToken.None).AsTask().WaitAsync(Wait));

        Assert.Equal("the connection is closed: the server closed the connection", error.Message);
    }

    [Fact]
    public async Task A_send_after_an_invalid_frame_says_the_frame_ended_the_link()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(new TcpTransportOptions { MaxFrameBytes = 1024 });
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using var server = await accept.WaitAsync(Wait);
        // A length prefix of 65,536 bytes, over the client's limit, written by hand.
        await server.SendAsync(new byte[] { 0, 1, 0, 0 });
        await Assert.ThrowsAsync<ChatLinkException>(() => transport.Incoming.Completion.WaitAsync(Wait));

        var error = await Assert.ThrowsAsync<ChatLinkException>(() => transport.SendAsync(new Ping(1), CancellationToken.None).AsTask().WaitAsync(Wait));

        Assert.StartsWith("the connection is closed: the server sent an invalid frame", error.Message);
    }

    [Fact]
    public async Task A_send_after_our_own_close_says_only_that_it_is_closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(new TcpTransportOptions());
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using var server = await accept.WaitAsync(Wait);

        await transport.CloseAsync(CancellationToken.None).WaitAsync(Wait);

        var error = await Assert.ThrowsAsync<ChatLinkException>(() => transport.SendAsync(new Ping(1), CancellationToken.None).AsTask().WaitAsync(Wait));
        Assert.Equal("the connection is closed", error.Message);
    }

    [Fact]
    public async Task Dispose_racing_a_close_that_is_still_flushing_never_throws()
    {
        // The close waits on a writer stuck on a peer that does not read; a dispose arrives meanwhile; then the
        // peer resets, so the writer ends and both the close and the dispose resume at once. Repeated, since the
        // old order-unsafe code failed only when the dispose happened to win that race.
        for (int round = 0; round < 12; round++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var transport = new TcpTransport(new TcpTransportOptions { OutboxCapacity = 16 });
            var accept = listener.AcceptSocketAsync();
            await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
            using var server = await accept.WaitAsync(Wait);
            server.LingerState = new LingerOption(true, 0);
            var line = new SendMessage("#lobby", MessageKind.Say, new string('x', 8000));
            ValueTask stuck;
            do
            {
                stuck = transport.SendAsync(line, CancellationToken.None);
            }
            while (stuck.IsCompleted);
            server.Shutdown(SocketShutdown.Send);
            await transport.Incoming.Completion.WaitAsync(Wait);

            var close = transport.CloseAsync(CancellationToken.None);
            var dispose = transport.DisposeAsync().AsTask();
            server.Close();

            await close.WaitAsync(Wait);
            await dispose.WaitAsync(Wait);
            // The blocked send either got its slot before the close or fails as closed; either way it ends.
            await Record.ExceptionAsync(() => stuck.AsTask().WaitAsync(Wait));
        }
    }

    [Fact]
    public async Task Closing_and_disposing_twice_in_any_order_is_harmless()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var transport = new TcpTransport(new TcpTransportOptions());
        var accept = listener.AcceptSocketAsync();
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None).WaitAsync(Wait);
        using var server = await accept.WaitAsync(Wait);

        await transport.DisposeAsync().AsTask().WaitAsync(Wait);
        await transport.CloseAsync(CancellationToken.None).WaitAsync(Wait);
        await transport.DisposeAsync().AsTask().WaitAsync(Wait);

        await transport.Incoming.Completion.WaitAsync(Wait);
    }

    private static async Task<List<Message>> ReadAllFramesAsync(Socket socket)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            int read = await socket.ReceiveAsync(memory).AsTask().WaitAsync(Wait);
            if (read == 0)
            {
                break;
            }
            buffer.Advance(read);
        }
        var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);
        var messages = new List<Message>();
        while (FrameDecoder.TryRead(ref sequence, ProtocolLimits.MaxFrameBytes, out var message))
        {
            messages.Add(message);
        }
        Assert.Equal(0, sequence.Length);
        return messages;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
