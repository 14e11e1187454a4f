namespace TermChat.Server.Connections;

/// <summary>
/// A connection's input the chat core cannot answer yet: in a cluster, a nick claim on its way to the cluster and
/// back. The front end holds the input as flood control does (the transport stops reading and offers the same input
/// again after <see cref="PollInterval"/>), so no mode's loop ever waits on the cluster. Guarded by the front end's lock.
/// </summary>
internal sealed class InputHold
{
    /// <summary>How often held input is offered again: a claim on a nearby NATS server takes about a millisecond.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(2);

    private Task? _waiting;

    /// <summary>Holds the input being handled until <paramref name="wait"/> completes (nothing to hold if null).</summary>
    public void Until(Task? wait) => _waiting = wait;

    /// <summary>Whether the input is still held (then the caller returns "throttled" with <paramref name="retryAfter"/>).</summary>
    public bool IsHolding(out TimeSpan retryAfter)
    {
        retryAfter = PollInterval;
        return _waiting is not null;
    }

    /// <summary>
    /// Called when the held input is offered again: whether it may be handled now. The flood gate has already counted
    /// it, so the caller lets it through without counting it again (<paramref name="reoffered"/>).
    /// </summary>
    public bool TryRelease(out TimeSpan retryAfter, out bool reoffered)
    {
        retryAfter = PollInterval;
        reoffered = _waiting is not null;
        if (_waiting is { IsCompleted: false }) return false;
        _waiting = null;
        return true;
    }
}
