using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Datagrams;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Udp;

/// <summary>Hostile datagrams against the real server socket, while real users chat (the in-process million-input run is in Protocol.Tests).</summary>
public sealed class UdpAttackTests
{
    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Spoofed_hellos_and_mutated_datagrams_on_the_real_socket_neither_amplify_nor_disturb_the_chat(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.FloodRate = 0;
            o.ServeUdp = true;
        });
        var target = new IPEndPoint(IPAddress.Loopback, server.Server.UdpEndPoint!.Port);
        await using var relay = new LossyUdpRelay(target, new LinkConditions(Loss: 0.1, DelayMs: 1), seed: 12);
        var corpus = new ConcurrentQueue<byte[]>();
        relay.OnDatagram = (_, datagram) =>
        {
            if (corpus.Count < 2000)
            {
                corpus.Enqueue(datagram);
            }
        };
        var endpoint = new ChatEndpoint("127.0.0.1", relay.Endpoint.Port);
        await using var alice = await UdpTestClient.ConnectAsync(endpoint, "alice");
        await using var bob = await UdpTestClient.ConnectAsync(endpoint, "bob");
        await alice.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "bob", Replay: false });

        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        long sentBytes = 0;
        long receivedBytes = 0;
        var listening = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            try
            {
                while (true)
                {
                    var result = await attacker.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
                    Interlocked.Add(ref receivedBytes, result.ReceivedBytes);
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
            }
        });

        const int Count = 300;
        var atBob = bob.CollectTextsAsync("alice", Count, TimeSpan.FromMinutes(2));
        var chatting = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, $"m{i}"));
            }
        });
        var random = new Random(2024);
        var datagram = new byte[DatagramLimits.MaxDatagramBytes];
        for (int i = 0; i < 20_000; i++)
        {
            int length;
            switch (i % 4)
            {
                case 0:
                    // A spoofed hello: a well-formed 1200-byte Initial.
                    length = HandshakeCodec.WriteInitial(datagram, (ulong)random.NextInt64(1, long.MaxValue));
                    break;
                case 1:
                    length = random.Next(1, DatagramLimits.MaxDatagramBytes);
                    random.NextBytes(datagram.AsSpan(0, length));
                    break;
                default:
                    // A real datagram of the chat (so with a live session id), mutated, sent from the wrong endpoint.
                    var real = corpus.ElementAtOrDefault(random.Next(Math.Max(1, corpus.Count))) ?? new byte[12];
                    length = real.Length;
                    real.CopyTo(datagram, 0);
                    for (int flip = random.Next(0, 4); flip > 0; flip--)
                    {
                        datagram[random.Next(length)] ^= (byte)(1 << random.Next(8));
                    }
                    break;
            }
            sentBytes += length;
            await attacker.SendToAsync(datagram.AsMemory(0, length), SocketFlags.None, target);
        }
        await chatting;

        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"m{i}"), await atBob);
        // Let late replies arrive, then judge the amplification.
        await bob.SendAsync(new Ping(7));
        await bob.ExpectAsync(m => m is Pong);
        attacker.Dispose();
        await listening;
        Assert.True(receivedBytes <= 3 * sentBytes, $"{receivedBytes} bytes back for {sentBytes} sent");
        Assert.True(receivedBytes > 0, "the spoofed Initials got no Retry at all");
        Assert.Equal(2, server.Server.ConnectionCount);
        await using var late = await UdpTestClient.ConnectAsync(endpoint, "latecomer");
        Assert.Equal("latecomer", late.Welcome.Nick);
    }
}
