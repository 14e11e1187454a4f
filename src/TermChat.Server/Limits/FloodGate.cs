namespace TermChat.Server.Limits;

/// <summary>
/// One connection's flood control, whatever its protocol: a <see cref="TokenBucket"/> of
/// <see cref="ServerOptions.FloodBurst"/> and <see cref="ServerOptions.FloodRate"/>, and the rule that a delayed peer
/// is told once per flood episode (an episode ends after a quiet interval without delays), not once per message.
/// </summary>
/// <remarks>Not thread-safe: a front end uses it under its lock.</remarks>
internal sealed class FloodGate
{
    private static readonly TimeSpan NoticeInterval = TimeSpan.FromSeconds(5);

    private readonly TokenBucket _bucket;
    private readonly TimeProvider _time;
    private long _lastDelay = long.MinValue;
    private bool _delayedBefore;

    public FloodGate(ServerOptions options, long now)
    {
        _time = options.TimeProvider;
        _bucket = new TokenBucket(options.FloodBurst, options.FloodRate, now, _time.TimestampFrequency);
    }

    /// <summary>Takes one token, or says how long until one is available and whether this delay starts an episode.</summary>
    /// <param name="now">Monotonic timestamp.</param>
    /// <param name="retryAfter">When refused, how long the caller waits before offering the same input again.</param>
    /// <param name="tell">When refused, whether the peer should be told (the first delay of an episode).</param>
    public bool TryTake(long now, out TimeSpan retryAfter, out bool tell)
    {
        tell = false;
        if (_bucket.TryTake(now, out retryAfter)) return true;
        tell = !_delayedBefore || _time.GetElapsedTime(_lastDelay, now) >= NoticeInterval;
        _delayedBefore = true;
        _lastDelay = now;
        return false;
    }
}
