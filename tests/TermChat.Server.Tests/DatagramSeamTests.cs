using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Server.Datagrams;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests;

/// <summary>The UDP seam: each mode receives on the TCP port's UDP twin and hands datagrams to the handler.</summary>
public sealed class DatagramSeamTests
{
    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Datagrams_reach_the_handler_on_the_tcp_port_and_replies_go_back(ServerMode mode)
    {
        var handler = new EchoHandler();
        var server = await TestServer.StartAsync(ChatServer.Create(TestServer.Options(mode), NullLoggerFactory.Instance, _ => handler, null));
        try
        {
            Assert.Equal(server.Server.TcpEndPoint!.Port, server.Server.UdpEndPoint!.Port);
            using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var target = new IPEndPoint(IPAddress.Loopback, server.Server.UdpEndPoint.Port);
            await client.SendAsync(new byte[] { 1, 2, 3 }, target);
            var reply = await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(new byte[] { 3, 2, 1 }, reply.Buffer);
            Assert.Equal(target.Port, reply.RemoteEndPoint.Port);
        }
        finally
        {
            await server.DisposeAsync();
        }
        Assert.True(handler.Started);
        Assert.True(handler.Stopped);
    }

    private sealed class EchoHandler : IDatagramHandler
    {
        private IDatagramSender? _sender;

        public bool Started { get; private set; }

        public bool Stopped { get; private set; }

        public void Start(IDatagramSender sender)
        {
            _sender = sender;
            Started = true;
        }

        public void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
        {
            var reversed = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(reversed);
            reversed.AsSpan(0, datagram.Length).Reverse();
            _sender!.TrySend(reversed, datagram.Length, remote);
        }

        public void Stop(Action? pump) => Stopped = true;
    }
}
