namespace TermChat.Server.Connections;

/// <summary>
/// A connection's send queue, bounded in bytes. Producers (the hub, on any thread) add whole shared
/// frames; the connection's single writer copies them out in order, coalescing many frames into one send.
/// </summary>
internal sealed class Outbox
{
    private readonly object _gate = new();
    private readonly Queue<ReadOnlyMemory<byte>> _frames = new();
    private readonly long _limit;
    // A queue that once held a burst (a history replay of a few hundred frames) keeps its array; past this
    // many entries it is trimmed when it drains, so idle connections do not carry the burst's capacity.
    private const int TrimAbove = 32;
    private int _headOffset;
    private long _bytes;
    private int _highWater;

    public Outbox(long limitBytes) => _limit = limitBytes;

    /// <summary>Bytes queued and not yet copied out.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public bool IsEmpty => Bytes == 0;

    /// <summary>Adds a frame unless the queue would pass its bound.</summary>
    public bool TryAdd(ReadOnlyMemory<byte> frame, out long depth)
    {
        lock (_gate)
        {
            depth = _bytes + frame.Length;
            if (depth > _limit) return false;
            _frames.Enqueue(frame);
            if (_frames.Count > _highWater) _highWater = _frames.Count;
            Interlocked.Add(ref _bytes, frame.Length);
            return true;
        }
    }

    /// <summary>Adds a frame regardless of the bound (the final Error or Bye before closing).</summary>
    public void ForceAdd(ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            _frames.Enqueue(frame);
            Interlocked.Add(ref _bytes, frame.Length);
        }
    }

    /// <summary>Drops everything queued (a slow consumer is being cut off).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _frames.Clear();
            _headOffset = 0;
            Interlocked.Exchange(ref _bytes, 0);
        }
    }

    /// <summary>Copies queued bytes into <paramref name="destination"/>, splitting a frame if it does not fit.</summary>
    /// <returns>Bytes copied; 0 when the queue is empty.</returns>
    public int CopyTo(Span<byte> destination)
    {
        lock (_gate)
        {
            int written = 0;
            while (written < destination.Length && _frames.TryPeek(out var head))
            {
                var rest = head.Span[_headOffset..];
                int take = Math.Min(rest.Length, destination.Length - written);
                rest[..take].CopyTo(destination[written..]);
                written += take;
                if (take == rest.Length)
                {
                    _frames.Dequeue();
                    _headOffset = 0;
                }
                else
                {
                    _headOffset += take;
                }
            }
            Interlocked.Add(ref _bytes, -written);
            if (_frames.Count == 0 && _highWater > TrimAbove)
            {
                _frames.TrimExcess();
                _highWater = 0;
            }
            return written;
        }
    }
}
