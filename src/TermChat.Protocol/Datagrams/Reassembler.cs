namespace TermChat.Protocol.Datagrams;

/// <summary>
/// Receive side of the chunk stream: drops duplicates, buffers chunks that arrive early (within the window and a byte
/// cap), and joins chunks back into messages in sequence order.
/// </summary>
internal sealed class Reassembler
{
    private readonly DatagramOptions _options;
    private readonly Dictionary<uint, (byte[] Data, bool End)> _early = [];
    private readonly Queue<byte[]> _delivered = new();
    private readonly List<byte[]> _partial = [];
    private int _partialBytes;

    public Reassembler(DatagramOptions options) => _options = options;

    /// <summary>The next sequence number expected: every chunk below it has been received (the cumulative ack).</summary>
    public uint Next { get; private set; }

    public int EarlyBytes { get; private set; }

    public int PartialBytes => _partialBytes;

    public long Duplicates { get; private set; }

    public long MessagesDelivered { get; private set; }

    public int DeliveredCount => _delivered.Count;

    /// <summary>Whether a chunk number may be sent by a well-behaved peer right now.</summary>
    public bool InWindow(uint seq) => seq < (ulong)Next + DatagramLimits.WindowChunks;

    public bool IsDuplicate(uint seq) => seq < Next || _early.ContainsKey(seq);

    /// <summary>
    /// Takes one chunk. A chunk that arrives early is buffered only while the early bytes stay under the cap;
    /// otherwise it is refused (and must not be acknowledged), so memory stays bounded and the sender resends it later.
    /// </summary>
    public ChunkOutcome Accept(uint seq, ReadOnlySpan<byte> data, bool end)
    {
        if (seq < Next || _early.ContainsKey(seq))
        {
            Duplicates++;
            return ChunkOutcome.Stored;
        }
        if (seq > Next)
        {
            if (EarlyBytes + data.Length > _options.MaxOutOfOrderBytes)
            {
                return ChunkOutcome.NoRoom;
            }
            _early.Add(seq, (data.ToArray(), end));
            EarlyBytes += data.Length;
            return ChunkOutcome.Stored;
        }
        if (!Append(data.ToArray(), end))
        {
            return ChunkOutcome.TooLarge;
        }
        while (_early.Remove(Next, out var chunk))
        {
            EarlyBytes -= chunk.Data.Length;
            if (!Append(chunk.Data, chunk.End))
            {
                return ChunkOutcome.TooLarge;
            }
        }
        return ChunkOutcome.Stored;
    }

    public bool TryDequeue(out byte[] message) => _delivered.TryDequeue(out message!);

    private bool Append(byte[] data, bool end)
    {
        Next++;
        if (_partialBytes + data.Length > _options.MaxIncomingMessageBytes)
        {
            return false;
        }
        if (end && _partial.Count == 0)
        {
            Deliver(data);
            return true;
        }
        _partial.Add(data);
        _partialBytes += data.Length;
        if (end)
        {
            var message = new byte[_partialBytes];
            int offset = 0;
            foreach (var part in _partial)
            {
                part.CopyTo(message, offset);
                offset += part.Length;
            }
            _partial.Clear();
            _partialBytes = 0;
            Deliver(message);
        }
        return true;
    }

    private void Deliver(byte[] message)
    {
        _delivered.Enqueue(message);
        MessagesDelivered++;
    }
}
