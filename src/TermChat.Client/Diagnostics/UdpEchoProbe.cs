using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TermChat.Protocol.Discovery;

namespace TermChat.Client.Diagnostics;

/// <summary>Netcheck over UDP: echo requests to the server's discovery port.</summary>
internal sealed class UdpEchoProbe : IDisposable
{
    private readonly Socket _socket;
    private readonly ulong _nonce = (ulong)Random.Shared.NextInt64();
    private readonly byte[] _buffer = new byte[DiscoveryDefaults.MaxDatagramBytes + 1];
    private uint _sequence;

    public UdpEchoProbe(IPEndPoint target)
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

    /// <summary>Sets or clears the don't-fragment flag; false when the platform cannot.</summary>
    public bool TrySetDontFragment(bool value)
    {
        try
        {
            _socket.DontFragment = value;
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
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
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
            if (DiscoveryCodec.TryParse(_buffer.AsSpan(0, received), out var message)
                && message is EchoReply reply && reply.Nonce == _nonce && reply.Sequence == sequence)
            {
                bool intact = reply.Intact && reply.RequestIntact && reply.ReceivedLength == size && reply.Length == replySize;
                return intact ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : null;
            }
            // A late reply to an earlier sequence number: keep waiting for ours.
        }
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

    public void Dispose() => _socket.Dispose();
}
