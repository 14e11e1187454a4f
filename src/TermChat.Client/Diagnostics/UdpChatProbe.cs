using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TermChat.Protocol.Datagrams;

namespace TermChat.Client.Diagnostics;

/// <summary>
/// Netcheck over the UDP port the server chats on (the TCP port number: a server serves both on one port).
/// A round trip is the datagram layer's first exchange, a 1200-byte Initial answered by a Retry
/// (PROTOCOL-DATAGRAMS.md section 4): the server keeps no state for it, so probing creates no session, and the
/// Initial's size proves full-size datagrams pass, as the UDP transport needs.
/// </summary>
internal sealed class UdpChatProbe : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _initial = new byte[DatagramLimits.InitialBytes];
    private readonly byte[] _buffer = new byte[DatagramLimits.MaxDatagramBytes];

    public UdpChatProbe(IPEndPoint target)
    {
        _socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Connected, so an ICMP "port unreachable" surfaces as ConnectionRefused instead of a silent timeout.
            _socket.Connect(target);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>One Initial→Retry round trip; null when no Retry for it came within <paramref name="timeout"/>.</summary>
    /// <exception cref="SocketException">ConnectionRefused (nothing listens on UDP there), and the like.</exception>
    public async Task<double?> RoundTripAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ulong nonce = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        HandshakeCodec.WriteInitial(_initial, nonce);
        long start = Stopwatch.GetTimestamp();
        await _socket.SendAsync(_initial, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(timeout);
        while (true)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(_buffer, SocketFlags.None, window.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            if (HandshakeCodec.TryReadRetry(_buffer.AsSpan(0, received), out var cookie) && cookie.Nonce == nonce)
            {
                return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            // A late Retry for an earlier Initial: keep waiting for ours.
        }
    }

    public void Dispose() => _socket.Dispose();
}
