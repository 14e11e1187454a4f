using System.Net;
using System.Net.Sockets;
using TermChat.Protocol.Datagrams;

namespace TermChat.Client.Tests.Diagnostics;

/// <summary>
/// A UDP chat port that answers only the first step of the datagram handshake: a 1200-byte Initial gets a Retry
/// echoing its nonce, built by hand from PROTOCOL-DATAGRAMS.md section 4.2, as netcheck's UDP probe expects.
/// </summary>
internal sealed class FakeHandshakeResponder : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeHandshakeResponder(int port)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _loop = RunAsync();
    }

    private async Task RunAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                if (received.ReceivedBytes != 1200 || buffer[0] != 0xD1 || buffer[1] != 0x01)
                {
                    continue;
                }
                // Retry: marker, type 2, the client's nonce echoed in the session id field, then session id,
                // timestamp and a 16-byte tag, which a client treats as opaque.
                var retry = new byte[42];
                retry[0] = 0xD1;
                retry[1] = 0x02;
                buffer.AsSpan(2, 8).CopyTo(retry.AsSpan(2));
                retry[17] = 1;
                await _socket.SendToAsync(retry, SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _socket.Dispose();
        _stop.Dispose();
    }
}
