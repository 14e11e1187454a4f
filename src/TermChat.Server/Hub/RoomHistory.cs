using TermChat.Protocol.Messages;

namespace TermChat.Server.Hub;

/// <summary>A ring buffer of a room's last sequenced entries (RoomMessage and RoomEvent), oldest first.</summary>
internal sealed class RoomHistory
{
    private readonly Message[] _items;
    private readonly ulong[] _seqs;
    private int _start;
    private int _count;

    public RoomHistory(int capacity)
    {
        _items = new Message[capacity];
        _seqs = new ulong[capacity];
    }

    public int Count => _count;

    /// <summary>The oldest kept sequence number, or 0 when empty.</summary>
    public ulong FirstSeq => _count == 0 ? 0 : _seqs[_start];

    public void Add(ulong seq, Message entry)
    {
        if (_items.Length == 0) return;
        int index = (_start + _count) % _items.Length;
        if (_count == _items.Length)
        {
            _start = (_start + 1) % _items.Length;
        }
        else
        {
            _count++;
        }
        _items[index] = entry;
        _seqs[index] = seq;
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
