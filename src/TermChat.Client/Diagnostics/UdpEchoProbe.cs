using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TermChat.Protocol.Discovery;

namespace TermChat.Client.Diagnostics;

/// <summary>Netcheck over UDP: echo requests to the server's discovery port.</summary>
internal sealed class UdpEchoProbe(IPEndPoint target) : IDisposable
{
    private readonly ConnectedUdp _udp = new(target, DiscoveryDefaults.MaxDatagramBytes + 1);
    private readonly ulong _nonce = (ulong)Random.Shared.NextInt64();
    private uint _sequence;

    /// <summary>Sets or clears the don't-fragment flag; false when the platform cannot.</summary>
    public bool TrySetDontFragment(bool value)
    {
        try
        {
            _udp.Socket.DontFragment = value;
            return true;
        }
        catch (Exception ex) when (ex is SocketException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// One echo of <paramref name="size"/> bytes asking for <paramref name="replySize"/> back. Returns the round trip
    /// when an intact reply arrived for an intact request, null when lost or damaged.
    /// </summary>
    /// <exception cref="SocketException">ConnectionRefused (nothing listens), MessageSize (too large to send), and the like.</exception>
    public async Task<double?> EchoAsync(int size, int replySize, TimeSpan timeout, CancellationToken cancellationToken)
    {
        uint sequence = ++_sequence;
        var request = DiscoveryCodec.ToArray(new EchoRequest(_nonce, sequence, size, replySize));
        long start = Stopwatch.GetTimestamp();
        await _udp.Socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        // A late reply to an earlier sequence number is skipped.
        EchoReply? reply = null;
        var datagram = await _udp.ReceiveAsync(
            d => DiscoveryCodec.TryParse(d.Span, out var message) && (reply = message as EchoReply) is { } r && r.Nonce == _nonce && r.Sequence == sequence,
            timeout, cancellationToken).ConfigureAwait(false);
        bool intact = datagram is not null && reply is { Intact: true, RequestIntact: true } && reply.ReceivedLength == size && reply.Length == replySize;
        return intact ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : null;
    }

    /// <summary>
    /// Whether a <paramref name="size"/>-byte datagram makes the round trip intact within a few tries.
    /// Too large to leave this host (EMSGSIZE with don't-fragment set) is a plain no.
    /// </summary>
    public async Task<bool> FitsAsync(int size, int tries, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (int i = 0; i < tries; i++)
        {
            try
            {
                if (await EchoAsync(size, size, timeout, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return true;
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>Binary search for the largest size in [<paramref name="low"/>, <paramref name="high"/>] that fits; null if even <paramref name="low"/> does not.</summary>
    public async Task<int?> LargestFittingAsync(int low, int high, int tries, TimeSpan timeout, Action<int>? onTry, CancellationToken cancellationToken)
    {
        onTry?.Invoke(high);
        if (await FitsAsync(high, tries, timeout, cancellationToken).ConfigureAwait(false))
        {
            return high;
        }
        onTry?.Invoke(low);
        if (!await FitsAsync(low, tries, timeout, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        // Invariant: low fits, high does not.
        while (high - low > 1)
        {
            int middle = low + ((high - low) / 2);
            onTry?.Invoke(middle);
            if (await FitsAsync(middle, tries, timeout, cancellationToken).ConfigureAwait(false))
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    public void Dispose() => _udp.Dispose();
}
