namespace TermChat.Server.Limits;

/// <summary>
/// A token bucket: up to <c>burst</c> frames at once, then <c>rate</c> per second. Time comes from the
/// caller as <see cref="TimeProvider"/> timestamps, so tests drive it with a manual clock. Not thread-safe;
/// one connection's frames are handled in order by one thread at a time.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _burst;
    private readonly double _rate;
    private readonly long _frequency;
    private double _tokens;
    private long _last;

    /// <summary>Creates a full bucket.</summary>
    public TokenBucket(int burst, double ratePerSecond, long nowTimestamp, long timestampFrequency)
    {
        _burst = burst;
        _rate = ratePerSecond;
        _tokens = burst;
        _last = nowTimestamp;
        _frequency = timestampFrequency;
    }

    /// <summary>Whether the bucket never limits (rate 0).</summary>
    public bool Disabled => _rate <= 0;

    /// <summary>Takes one token, or says how long until one is available.</summary>
    public bool TryTake(long nowTimestamp, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (Disabled) return true;
        double elapsed = Math.Max(0, (nowTimestamp - _last) / (double)_frequency);
        _last = nowTimestamp;
        _tokens = Math.Min(_burst, _tokens + elapsed * _rate);
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }
        retryAfter = TimeSpan.FromSeconds((1 - _tokens) / _rate);
        if (retryAfter < TimeSpan.FromMilliseconds(1)) retryAfter = TimeSpan.FromMilliseconds(1);
        return false;
    }
}
