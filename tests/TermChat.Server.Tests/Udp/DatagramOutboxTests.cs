using System.Buffers;
using System.Net;
using System.Net.Sockets;
using TermChat.Server.Datagrams;

namespace TermChat.Server.Tests.Udp;

public sealed class DatagramOutboxTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Loopback, 9);

    [Fact]
    public void A_full_queue_drops_the_next_datagram_instead_of_waiting()
    {
        var outbox = new DatagramOutbox(new FullWire());
        outbox.UseSelectThread(() => { });
        for (int i = 0; i < DatagramOutbox.MaxQueued; i++)
        {
            Assert.True(outbox.TrySend(ArrayPool<byte>.Shared.Rent(1200), 1200, Peer));
        }

        Assert.False(outbox.TrySend(ArrayPool<byte>.Shared.Rent(1200), 1200, Peer));
        Assert.False(outbox.FlushQueued());
        Assert.True(outbox.HasQueued);
    }

    [Fact]
    public void Datagrams_the_socket_refuses_are_counted_and_the_rest_still_go()
    {
        var wire = new RefusingWire(refuseFirst: 2);
        var outbox = new DatagramOutbox(wire);
        outbox.UseSelectThread(() => { });
        for (int i = 0; i < 5; i++)
        {
            outbox.TrySend(ArrayPool<byte>.Shared.Rent(100), 100, Peer);
        }

        Assert.True(outbox.FlushQueued());

        Assert.Equal(2, outbox.Failed);
        Assert.Equal(3, wire.Sent);
        Assert.False(outbox.HasQueued);
    }

    /// <summary>A socket whose send buffer never has room.</summary>
    private sealed class FullWire : IDatagramWire
    {
        public SocketError TrySendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote) => SocketError.WouldBlock;

        public void WaitWritable(TimeSpan timeout) => throw new InvalidOperationException("Select mode never waits here.");

        public ValueTask<SocketError> SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote) => throw new InvalidOperationException("Select mode never waits here.");
    }

    /// <summary>A socket that reports an error (an ICMP unreachable, say) for the first sends.</summary>
    private sealed class RefusingWire(int refuseFirst) : IDatagramWire
    {
        private int _calls;

        public int Sent { get; private set; }

        public SocketError TrySendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote)
        {
            if (_calls++ < refuseFirst) return SocketError.ConnectionRefused;
            Sent++;
            return SocketError.Success;
        }

        public void WaitWritable(TimeSpan timeout) => throw new InvalidOperationException("Select mode never waits here.");

        public ValueTask<SocketError> SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote) => throw new InvalidOperationException("Select mode never waits here.");
    }
}
