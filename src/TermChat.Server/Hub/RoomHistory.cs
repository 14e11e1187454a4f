namespace TermChat.Server.Hub;

/// <summary>
/// A ring buffer of a room's last sequenced entries (RoomMessage and RoomEvent), oldest first, kept as their
/// encoded replay frames: a join or a resume queues these very bytes, shared by every joiner, with nothing
/// encoded under the hub's lock. Bounded both in entries and in bytes, so that a room of long messages cannot
/// hold much memory.
/// </summary>
internal sealed class RoomHistory
{
    private readonly byte[][] _frames;
    private readonly ulong[] _seqs;
    private readonly long _maxBytes;
    private int _start;
    private int _count;
    private long _bytes;

    public RoomHistory(int capacity, long maxBytes)
    {
        _frames = new byte[capacity][];
        _seqs = new ulong[capacity];
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes of the frames held.</summary>
    public long Bytes => _bytes;

    public int Count => _count;

    /// <summary>The oldest kept sequence number, or 0 when empty.</summary>
    public ulong FirstSeq => _count == 0 ? 0 : _seqs[_start];

    /// <summary>Keeps the entry sequenced as <paramref name="seq"/>, given as the live frame sent to the members.</summary>
    public void Add(ulong seq, ReadOnlySpan<byte> liveFrame)
    {
        if (_frames.Length == 0) return;
        byte[] replay = ReplayFrameOf(liveFrame);
        while (_count > 0 && (_count == _frames.Length || _bytes + replay.Length > _maxBytes))
        {
            RemoveOldest();
        }
        int index = (_start + _count) % _frames.Length;
        _count++;
        _frames[index] = replay;
        _seqs[index] = seq;
        _bytes += replay.Length;
    }

    /// <summary>The replay frames of the entries with sequence numbers after <paramref name="afterSeq"/>, oldest first.</summary>
    public IEnumerable<(ulong Seq, byte[] Frame)> After(ulong afterSeq)
    {
        for (int i = 0; i < _count; i++)
        {
            int index = (_start + i) % _frames.Length;
            if (_seqs[index] > afterSeq) yield return (_seqs[index], _frames[index]);
        }
    }

    /// <summary>
    /// The frame of an entry as replayed: RoomMessage and RoomEvent both end with their <c>replay</c> flag
    /// (PROTOCOL.md section 5), so it is the live frame with its last byte set, a copy rather than a second encode.
    /// </summary>
    internal static byte[] ReplayFrameOf(ReadOnlySpan<byte> liveFrame)
    {
        byte[] replay = liveFrame.ToArray();
        replay[^1] = 1;
        return replay;
    }

    private void RemoveOldest()
    {
        _bytes -= _frames[_start].Length;
        _frames[_start] = null!;
        _start = (_start + 1) % _frames.Length;
        _count--;
    }
}
