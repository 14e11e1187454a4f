using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Server.Hub;

/// <summary>
/// A ring buffer of a room's last sequenced entries (RoomMessage and RoomEvent), oldest first, bounded
/// both in entries and in encoded bytes so that a room of long messages cannot hold much memory.
/// </summary>
internal sealed class RoomHistory
{
    private readonly Message[] _items;
    private readonly ulong[] _seqs;
    private readonly int[] _sizes;
    private readonly long _maxBytes;
    private int _start;
    private int _count;
    private long _bytes;

    public RoomHistory(int capacity, long maxBytes)
    {
        _items = new Message[capacity];
        _seqs = new ulong[capacity];
        _sizes = new int[capacity];
        _maxBytes = maxBytes;
    }

    /// <summary>Encoded bytes of the entries held.</summary>
    public long Bytes => _bytes;

    public int Count => _count;

    /// <summary>The oldest kept sequence number, or 0 when empty.</summary>
    public ulong FirstSeq => _count == 0 ? 0 : _seqs[_start];

    public void Add(ulong seq, Message entry)
    {
        if (_items.Length == 0) return;
        int size = FrameEncoder.GetFrameSize(entry);
        while (_count > 0 && (_count == _items.Length || _bytes + size > _maxBytes))
        {
            RemoveOldest();
        }
        int index = (_start + _count) % _items.Length;
        _count++;
        _items[index] = entry;
        _seqs[index] = seq;
        _sizes[index] = size;
        _bytes += size;
    }

    private void RemoveOldest()
    {
        _bytes -= _sizes[_start];
        _items[_start] = null!;
        _start = (_start + 1) % _items.Length;
        _count--;
    }

    /// <summary>Entries with sequence numbers after <paramref name="afterSeq"/>, oldest first.</summary>
    public IEnumerable<Message> After(ulong afterSeq)
    {
        for (int i = 0; i < _count; i++)
        {
            int index = (_start + i) % _items.Length;
            if (_seqs[index] > afterSeq) yield return _items[index];
        }
    }
}
