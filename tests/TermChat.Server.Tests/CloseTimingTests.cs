using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;
using TermChat.TestKit.Wire;
using static TermChat.TestKit.Wire.HandFrames;

namespace TermChat.Server.Tests;

/// <summary>
/// The close protocol's timers (drain deadline, linger) run on the server's configured clock in every mode. Each
/// test sets a timer an hour long and moves a manual clock: on the system clock nothing would happen for an hour.
/// </summary>
public sealed class CloseTimingTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task The_drain_deadline_for_a_peer_that_stopped_reading_runs_on_the_servers_clock(ServerMode mode)
    {
        var clock = new ManualTimeProvider();
        var server = await TestServer.StartAsync(mode, o =>
        {
            o.TimeProvider = clock;
            o.ShutdownDrain = Hour;
            o.FloodRate = 0;
            o.MaxSendQueueBytes = 64 * 1024 * 1024;
        });
        try
        {
            await using var talker = await server.ConnectAsync("talker");
            // A client with a tiny receive window that never reads: its output piles up in the server.
            using var stuck = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            await stuck.ConnectAsync(server.EndPoint);
            await stuck.SendAsync(Hello("stuck"), SocketFlags.None);
            await talker.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "stuck" });
            // Past the server's largest socket send buffer (4 MiB here), a queue that deep means the writer is stuck.
            string text = new('x', 8000);
            while (server.Server.Stats.SendQueuePeakEver < 6 * 1024 * 1024)
            {
                await talker.SendManyAsync(Enumerable.Range(0, 40).Select(i => new SendMessage("#lobby", MessageKind.Say, text)));
                await talker.BarrierAsync(TimeSpan.FromSeconds(30));
            }

            // Shutdown tells everyone; the stuck connection cannot drain, so only its deadline ends it.
            var stop = server.Server.StopAsync();
            await talker.WaitClosedAsync();
            Assert.False(stop.IsCompleted);
            // Hour after hour of server time: the talker's close can be seen before the stuck connection's
            // deadline is armed, so one step might come too early.
            await Eventually.TrueAsync(() =>
            {
                clock.Advance(Hour);
                return stop.IsCompleted;
            });
            await stop;
            Assert.Equal(0, server.Server.Stats.Connections);
        }
        finally
        {
            clock.Advance(Hour);
            await server.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task The_linger_after_the_final_frame_runs_on_the_servers_clock(ServerMode mode)
    {
        var clock = new ManualTimeProvider();
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.TimeProvider = clock;
            o.CloseLinger = Hour;
            // Far beyond the linger, so that moving the clock by an hour ends the linger and nothing else.
            o.ShutdownDrain = 2 * Hour;
        });
        using var peer = await RawPeer.ConnectAsync(server.EndPoint);
        await peer.SendAsync(Hello("alice"), Bye("done"));
        // The server answers Bye and shuts its side; the peer keeps its own side open.
        Assert.Equal(0x22, (await peer.ReceiveToEndAsync())[^1][4]);
        Assert.Equal(1, server.Server.Stats.Connections);

        if (mode == ServerMode.Select)
        {
            clock.Advance(Hour); // the select loop compares its linger with the clock on every pass
        }
        else
        {
            await clock.AdvanceWhenScheduledAsync(Hour); // the other modes wait on a timer, armed once the final frame is out
        }
        await Eventually.TrueAsync(() => server.Server.Stats.Connections == 0);
    }
}
