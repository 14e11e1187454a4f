using System.Net;
using System.Net.Sockets;

namespace TermChat.Server.Datagrams;

/// <summary>
/// What the <see cref="DatagramOutbox"/>'s one sender does with the UDP socket: send without blocking, and wait for
/// room when the socket's buffer is full. <see cref="SocketDatagramWire"/> is the socket; tests put a path that
/// never drains in its place, since loopback never fills a UDP socket's send buffer.
/// </summary>
internal interface IDatagramWire
{
    /// <summary>Sends one datagram without blocking.</summary>
    /// <returns>
    /// <see cref="SocketError.Success"/>; <see cref="SocketError.WouldBlock"/> when the send buffer is full;
    /// <see cref="SocketError.OperationAborted"/> once the socket is closed; another error when this datagram is lost.
    /// </returns>
    SocketError TrySendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote);

    /// <summary>Blocks until the socket can take a datagram, it closes, or <paramref name="timeout"/> passes.</summary>
    void WaitWritable(TimeSpan timeout);

    /// <summary>Sends one datagram, waiting for room without holding a thread; the results of <see cref="TrySendTo"/>.</summary>
    ValueTask<SocketError> SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote);
}
