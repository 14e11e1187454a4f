namespace TermChat.Client.Session;

/// <summary>
/// The session's pings in flight and what each pong means: a round-trip sample (smoothed into <see cref="RttMs"/>),
/// the confirmation of the input queued before the ping, and for a barrier a caller waiting to be released. At most
/// one ping at a time is sent only to confirm input, so a burst of typing costs one ping. Not thread-safe: the
/// session's lock guards it.
/// </summary>
internal sealed class PingTracker(TimeProvider time)
{
    private readonly Dictionary<ulong, Pending> _pending = [];
    private ulong _nextNonce;
    private ulong _confirmNonce;
    private bool _confirmOutstanding;

    /// <summary>The smoothed round trip of our pings (each new sample weighs a quarter); null before the first pong.</summary>
    public double? RttMs { get; private set; }

    /// <summary>Starts a ping (keepalive, flush or barrier) whose pong confirms input up to <paramref name="confirmsUpTo"/>.</summary>
    /// <returns>The nonce to send.</returns>
    public ulong Start(long confirmsUpTo, TaskCompletionSource? barrier = null)
    {
        ulong nonce = ++_nextNonce;
        _pending[nonce] = new Pending(time.GetTimestamp(), confirmsUpTo, barrier);
        return nonce;
    }

    /// <summary>Starts the ping that confirms input, unless one is already out.</summary>
    public bool TryStartConfirm(long confirmsUpTo, out ulong nonce)
    {
        if (_confirmOutstanding)
        {
            nonce = 0;
            return false;
        }
        _confirmOutstanding = true;
        nonce = _confirmNonce = Start(confirmsUpTo);
        return true;
    }

    /// <summary>Stops waiting for a ping's pong (a barrier that gave up).</summary>
    public void Forget(ulong nonce) => _pending.Remove(nonce);

    /// <summary>Takes a pong: samples the round trip and says what it confirms.</summary>
    /// <returns>False when the nonce is not one of ours, or was already answered.</returns>
    public bool TryAnswer(ulong nonce, out long confirmsUpTo, out TaskCompletionSource? barrier, out bool wasConfirm)
    {
        if (!_pending.Remove(nonce, out var ping))
        {
            (confirmsUpTo, barrier, wasConfirm) = (0, null, false);
            return false;
        }
        double rtt = time.GetElapsedTime(ping.SentTimestamp).TotalMilliseconds;
        RttMs = RttMs is { } old ? (old * 0.75) + (rtt * 0.25) : rtt;
        wasConfirm = nonce == _confirmNonce;
        if (wasConfirm)
        {
            _confirmOutstanding = false;
        }
        (confirmsUpTo, barrier) = (ping.ConfirmsUpTo, ping.Barrier);
        return true;
    }

    /// <summary>
    /// A new link is up: pings sent on the old one will never be answered. Barriers are kept, since their callers still
    /// wait, and returned to be sent again on the new link; the others are dropped.
    /// </summary>
    public ulong[] OnNewLink()
    {
        _confirmOutstanding = false;
        foreach (ulong stale in _pending.Where(p => p.Value.Barrier is null).Select(p => p.Key).ToArray())
        {
            _pending.Remove(stale);
        }
        return [.. _pending.Keys];
    }

    /// <summary>The session ended: every waiting barrier fails with <paramref name="error"/>.</summary>
    public void FailAll(Exception error)
    {
        foreach (var ping in _pending.Values)
        {
            ping.Barrier?.TrySetException(error);
        }
        _pending.Clear();
    }

    private sealed record Pending(long SentTimestamp, long ConfirmsUpTo, TaskCompletionSource? Barrier);
}
