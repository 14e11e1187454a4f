namespace TermChat.Client.Session;

/// <summary>
/// What a session has seen of one room's sequence numbers: the highest (the resume cursor) and a
/// window of recent ones, so a replay after reconnect shows nothing twice even when live and
/// replayed frames interleave.
/// </summary>
internal sealed class RoomSequence
{
    private const ulong Window = 8192;
    private readonly HashSet<ulong> _recent = [];

    /// <summary>The highest sequence number seen; sent as the resume cursor.</summary>
    public ulong Max { get; private set; }

    /// <summary>Records <paramref name="seq"/> and says whether it is new.</summary>
    public bool TryAccept(ulong seq)
    {
        if (seq + Window <= Max || !_recent.Add(seq))
        {
            return false;
        }
        if (seq > Max)
        {
            Max = seq;
        }
        if (_recent.Count > 2 * (int)Window)
        {
            _recent.RemoveWhere(s => s + Window <= Max);
        }
        return true;
    }

    /// <summary>Forgets everything, for a server that lost its state (its sequence went backwards).</summary>
    public void Reset()
    {
        _recent.Clear();
        Max = 0;
    }
}
