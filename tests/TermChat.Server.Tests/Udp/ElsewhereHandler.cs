using System.Collections.Concurrent;
using System.Net;
using TermChat.Server.Datagrams;

namespace TermChat.Server.Tests.Udp;

/// <summary>
/// Puts the server's UDP handler behind a pretend address translation, so that clients on loopback seem to it to be
/// on another machine: a datagram from loopback port P reaches <paramref name="inner"/> as coming from
/// <paramref name="elsewhere"/>:P, and what it sends to <paramref name="elsewhere"/>:P goes back to the real loopback
/// sender. No datagram ever leaves the machine: one addressed to a pretend endpoint no client used is dropped.
/// </summary>
internal sealed class ElsewhereHandler(IDatagramHandler inner, IPAddress elsewhere) : IDatagramHandler, IDatagramSender
{
    private readonly ConcurrentDictionary<int, IPEndPoint> _real = new();
    private IDatagramSender? _sender;
    private long _unroutable;

    /// <summary>Datagrams the handler addressed to a pretend endpoint that no client used (always 0 in a sound test).</summary>
    public long Unroutable => Interlocked.Read(ref _unroutable);

    public long Failed => _sender?.Failed ?? 0;

    public void Start(IDatagramSender sender)
    {
        _sender = sender;
        inner.Start(this);
    }

    public void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        _real[remote.Port] = remote;
        inner.OnDatagram(datagram, new IPEndPoint(elsewhere, remote.Port));
    }

    public void Stop(Action? pump) => inner.Stop(pump);

    public bool TrySend(byte[] buffer, int length, IPEndPoint remote)
    {
        if (remote.Address.Equals(elsewhere) && _real.TryGetValue(remote.Port, out var real))
        {
            return _sender!.TrySend(buffer, length, real);
        }
        Interlocked.Increment(ref _unroutable);
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        return false;
    }
}
