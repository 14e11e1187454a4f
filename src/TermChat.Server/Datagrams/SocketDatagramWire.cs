using System.Net;
using System.Net.Sockets;

namespace TermChat.Server.Datagrams;

/// <summary>The UDP socket as the outbox's sender sees it. The socket must be non-blocking.</summary>
internal sealed class SocketDatagramWire : IDatagramWire
{
    private readonly Socket _socket;

    public SocketDatagramWire(Socket socket) => _socket = socket;

    public SocketError TrySendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
            return SocketError.Success;
        }
        catch (SocketException exception)
        {
            return exception.SocketErrorCode;
        }
        catch (ObjectDisposedException)
        {
            return SocketError.OperationAborted;
        }
    }

    public void WaitWritable(TimeSpan timeout)
    {
        try
        {
            _socket.Poll(timeout, SelectMode.SelectWrite);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // The caller finds the socket closed on its next send.
        }
    }

    public async ValueTask<SocketError> SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, remote).ConfigureAwait(false);
            return SocketError.Success;
        }
        catch (SocketException exception)
        {
            return exception.SocketErrorCode;
        }
        catch (ObjectDisposedException)
        {
            return SocketError.OperationAborted;
        }
    }
}
