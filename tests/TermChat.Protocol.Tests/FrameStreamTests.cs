using System.Net;
using System.Net.Sockets;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Protocol;

namespace TermChat.Protocol.Tests;

/// <summary>The TestKit's raw peer, over a real loopback socket pair.</summary>
public sealed class FrameStreamTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static async Task<(FrameStream Client, Socket Server)> ConnectPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var accept = listener.AcceptAsync();
        var client = await FrameStream.ConnectAsync(listener.LocalEndPoint!, CancellationToken.None).WaitAsync(Timeout);
        return (client, await accept.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Frames_sent_one_byte_at_a_time_are_received_whole_and_in_order()
    {
        var (client, server) = await ConnectPairAsync();
        await using var _ = client;
        using var __ = server;
        var sent = FrameTestData.Samples;
        var bytes = sent.SelectMany(FrameEncoder.ToArray).ToArray();
        var sending = Task.Run(async () =>
        {
            foreach (byte b in bytes)
            {
                await server.SendAsync(new[] { b });
            }
            server.Shutdown(SocketShutdown.Send);
        });

        var received = new List<Message>();
        while (await client.ReceiveAsync(CancellationToken.None).WaitAsync(Timeout) is { } message)
        {
            received.Add(message);
        }
        await sending.WaitAsync(Timeout);
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task A_close_inside_a_frame_is_reported_as_malformed()
    {
        var (client, server) = await ConnectPairAsync();
        await using var _ = client;
        using var __ = server;
        await server.SendAsync(FrameEncoder.ToArray(new Ping(5)).AsMemory(0, 7));
        server.Shutdown(SocketShutdown.Send);
        var ex = await Assert.ThrowsAsync<ProtocolException>(() => client.ReceiveAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(ErrorCode.MalformedFrame, ex.Code);
    }

    [Fact]
    public async Task Sync_returns_what_arrived_before_the_matching_pong()
    {
        var (client, server) = await ConnectPairAsync();
        await using var _ = client;
        await using var serverStream = new FrameStream(new NetworkStream(server, ownsSocket: true));
        var sync = client.SyncAsync(CancellationToken.None);

        var ping = await serverStream.ReceiveAsync<Ping>(CancellationToken.None).WaitAsync(Timeout);
        var notice = new Notice("", "before");
        await serverStream.SendAsync(notice, CancellationToken.None);
        await serverStream.SendAsync(new Pong(ping.Nonce + 1), CancellationToken.None);
        await serverStream.SendAsync(new Pong(ping.Nonce), CancellationToken.None);

        Assert.Equal([notice, new Pong(ping.Nonce + 1)], await sync.WaitAsync(Timeout));
    }
}
