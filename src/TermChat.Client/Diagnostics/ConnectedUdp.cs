using System.Net;
using System.Net.Sockets;

namespace TermChat.Client.Diagnostics;

/// <summary>
/// A UDP socket connected to the one target a netcheck probe talks to, with a receive that waits a bounded time
/// for the reply it wants and skips the rest (late replies to earlier requests).
/// </summary>
internal sealed class ConnectedUdp : IDisposable
{
    private readonly byte[] _buffer;

    public ConnectedUdp(IPEndPoint target, int largestReply)
    {
        _buffer = new byte[largestReply];
        Socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Connected, so an ICMP "port unreachable" surfaces as ConnectionRefused instead of a silent timeout.
            Socket.Connect(target);
        }
        catch
        {
            Socket.Dispose();
            throw;
        }
    }

    /// <summary>The socket, for options such as don't-fragment.</summary>
    public Socket Socket { get; }

    /// <summary>The first datagram <paramref name="isReply"/> accepts within <paramref name="timeout"/>; null when none came.</summary>
    /// <exception cref="SocketException">ConnectionRefused (nothing listens there), and the like.</exception>
    public async Task<ReadOnlyMemory<byte>?> ReceiveAsync(Func<ReadOnlyMemory<byte>, bool> isReply, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(timeout);
        while (true)
        {
            int received;
            try
            {
                received = await Socket.ReceiveAsync(_buffer, SocketFlags.None, window.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            var datagram = _buffer.AsMemory(0, received);
            if (isReply(datagram))
            {
                return datagram;
            }
        }
    }

    public void Dispose() => Socket.Dispose();
}
