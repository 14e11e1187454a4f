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
internal sealed class UdpChatProbe(IPEndPoint target) : IDisposable
{
    private readonly ConnectedUdp _udp = new(target, DatagramLimits.MaxDatagramBytes);
    private readonly byte[] _initial = new byte[DatagramLimits.InitialBytes];

    /// <summary>One Initial→Retry round trip; null when no Retry for it came within <paramref name="timeout"/>.</summary>
    /// <exception cref="SocketException">ConnectionRefused (nothing listens on UDP there), and the like.</exception>
    public async Task<double?> RoundTripAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ulong nonce = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        HandshakeCodec.WriteInitial(_initial, nonce);
        long start = Stopwatch.GetTimestamp();
        await _udp.Socket.SendAsync(_initial, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        // A late Retry for an earlier Initial is skipped.
        var retry = await _udp.ReceiveAsync(d => HandshakeCodec.TryReadRetry(d.Span, out var cookie) && cookie.Nonce == nonce, timeout, cancellationToken).ConfigureAwait(false);
        return retry is null ? null : Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public void Dispose() => _udp.Dispose();
}
