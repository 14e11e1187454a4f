namespace TermChat.Server.History;

/// <summary>
/// The highest seq of every deleted room, by name, so that a room created again under the same name
/// continues above it: no seq is reused while the server runs (PROTOCOL.md section 9). Without it a
/// re-created room restarted at 1, and clients that ignore seqs not above the highest they have shown hid
/// every new message in it.
/// </summary>
/// <remarks>
/// Memory is bounded however many distinct names a server sees: at most <see cref="Capacity"/> names are
/// remembered (176 bytes each with a 32-byte name; measured 11.5 MB for the default 65,536), and the
/// longest-deleted name is forgotten first. A forgotten name's mark is folded into one <see cref="Floor"/>, the
/// highest mark ever forgotten, and every name without a mark continues above the floor. So seqs stay monotonic
/// for every name; the price of heavy name churn is only that a new room's first seq can be above 1. Not
/// thread-safe: the chat core's lock guards it.
/// </remarks>
internal sealed class RoomSeqHighWater
{
    /// <summary>Names remembered by default.</summary>
    public const int DefaultCapacity = 65_536;

    private readonly Dictionary<string, LinkedListNode<(string Name, ulong LastSeq)>> _marks = new(StringComparer.Ordinal);
    // Oldest deletion first: the next to be folded into the floor.
    private readonly LinkedList<(string Name, ulong LastSeq)> _byAge = new();

    public RoomSeqHighWater(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most names remembered at once.</summary>
    public int Capacity { get; }

    /// <summary>Names remembered now.</summary>
    public int Count => _marks.Count;

    /// <summary>The highest mark forgotten so far; names without a mark continue after it (0 at first).</summary>
    public ulong Floor { get; private set; }

    /// <summary>
    /// The last seq a room being created under <paramref name="name"/> continues after (its first entry gets
    /// one more), and forgets the mark: the live room holds the count from now on.
    /// </summary>
    public ulong Take(string name)
    {
        if (!_marks.Remove(name, out var node)) return Floor;
        _byAge.Remove(node);
        return Math.Max(node.Value.LastSeq, Floor);
    }

    /// <summary>The last seq a room under <paramref name="name"/> would continue after, without forgetting the mark.</summary>
    public ulong Peek(string name) => _marks.TryGetValue(name, out var node) ? Math.Max(node.Value.LastSeq, Floor) : Floor;

    /// <summary>Remembers that the room <paramref name="name"/>, now deleted, had reached <paramref name="lastSeq"/>.</summary>
    public void Retire(string name, ulong lastSeq)
    {
        if (_marks.Remove(name, out var stale)) _byAge.Remove(stale);
        // At or below the floor the name would continue above it anyway: no need to spend a slot on it.
        if (lastSeq <= Floor) return;
        _marks[name] = _byAge.AddLast((name, lastSeq));
        if (_marks.Count > Capacity)
        {
            var oldest = _byAge.First!.Value;
            _byAge.RemoveFirst();
            _marks.Remove(oldest.Name);
            Floor = Math.Max(Floor, oldest.LastSeq);
        }
    }
}
