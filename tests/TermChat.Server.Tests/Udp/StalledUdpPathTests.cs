using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Udp;

/// <summary>A UDP member whose path stalls, in a room with TCP members: broadcasts only queue for it.</summary>
public sealed class StalledUdpPathTests
{
    /// <summary>
    /// The modes whose UDP sender is a thread or loop of its own. In select mode the sender is the select thread, which
    /// asks Select itself whether the socket has room, so a stalled path cannot be stood in for there.
    /// </summary>
    public static TheoryData<ServerMode> SeparateSender => new() { ServerMode.Threads, ServerMode.Async };

    [Theory]
    [MemberData(nameof(SeparateSender))]
    public async Task A_udp_member_whose_path_stalls_never_delays_the_tcp_members_of_its_room(ServerMode mode)
    {
        StallingWire? wire = null;
        var options = TestServer.Options(mode);
        options.FloodRate = 0;
        options.ServeUdp = true;
        await using var server = await TestServer.StartAsync(ChatServer.Create(options, NullLoggerFactory.Instance, null,
            socket => wire = new StallingWire(socket)));
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        await using var carol = await UdpTestClient.ConnectAsync(new ChatEndpoint("127.0.0.1", server.Server.UdpEndPoint!.Port), "carol");
        await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "carol", Replay: false });

        wire!.Stall();
        await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, "first"));
        await wire.Blocked.WaitAsync(TimeSpan.FromSeconds(30));
        const int Count = 200;
        for (int i = 0; i < Count; i++)
        {
            await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, $"m{i}"));
        }

        // Every broadcast reached bob while the sender was stuck on carol's datagrams.
        await bob.ExpectAsync(m => m is RoomMessage { Text: "first" });
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal($"m{i}", ((RoomMessage)await bob.ExpectAsync(m => m is RoomMessage, TimeSpan.FromSeconds(30))).Text);
        }
        Assert.Equal(1, wire.Stuck);

        // Once the path moves again, carol gets everything, in order.
        wire.Release();
        var atCarol = await carol.CollectTextsAsync("alice", Count + 1, TimeSpan.FromSeconds(60));
        Assert.Equal(["first", .. Enumerable.Range(0, Count).Select(i => $"m{i}")], atCarol);
    }
}
