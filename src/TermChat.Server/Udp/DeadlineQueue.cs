namespace TermChat.Server.Udp;

/// <summary>
/// Items by their next deadline, earliest first: a binary heap, so a timer finds the due sessions without looking at
/// the others. Each item has at most one live deadline; moving it earlier pushes a new heap entry and leaves the old
/// one to be skipped when it surfaces. A deadline that moves later is not pushed: the earlier entry fires, the owner
/// finds nothing due yet and schedules the item again. Not thread-safe.
/// </summary>
/// <typeparam name="T">The item; compared by reference.</typeparam>
internal sealed class DeadlineQueue<T> where T : class
{
    private readonly PriorityQueue<T, long> _heap = new();
    private readonly Dictionary<T, long> _due = new(ReferenceEqualityComparer.Instance);

    /// <summary>Items with a deadline.</summary>
    public int Count => _due.Count;

    /// <summary>Heap entries, stale ones included.</summary>
    public int HeapEntries => _heap.Count;

    /// <summary>The earliest deadline, or <see cref="long.MaxValue"/> when there is none.</summary>
    public long NextDue
    {
        get
        {
            SkipStale();
            return _heap.TryPeek(out _, out long due) ? due : long.MaxValue;
        }
    }

    /// <summary>Gives <paramref name="item"/> the deadline <paramref name="dueMs"/> unless it already has an earlier one.</summary>
    /// <returns>Whether the deadline was set (it was earlier than the item's).</returns>
    public bool Schedule(T item, long dueMs)
    {
        if (dueMs == long.MaxValue || _due.TryGetValue(item, out long current) && current <= dueMs)
        {
            return false;
        }
        _due[item] = dueMs;
        _heap.Enqueue(item, dueMs);
        // Entries left behind by earlier moves are dropped when they surface; rebuild if they pile up first.
        if (_heap.Count > 2 * _due.Count + 64)
        {
            _heap.Clear();
            foreach (var (live, due) in _due) _heap.Enqueue(live, due);
        }
        return true;
    }

    /// <summary>Takes an item whose deadline is at or before <paramref name="nowMs"/>; it has no deadline afterwards.</summary>
    public bool TryTakeDue(long nowMs, out T item)
    {
        SkipStale();
        if (_heap.TryPeek(out item!, out long due) && due <= nowMs)
        {
            _heap.Dequeue();
            _due.Remove(item);
            return true;
        }
        item = null!;
        return false;
    }

    /// <summary>Forgets <paramref name="item"/>'s deadline.</summary>
    public void Remove(T item) => _due.Remove(item);

    private void SkipStale()
    {
        while (_heap.TryPeek(out var item, out long due) && (!_due.TryGetValue(item, out long live) || live != due))
        {
            _heap.Dequeue();
        }
    }
}
