using System.Net;

namespace TermChat.Server.Discovery;

/// <summary>
/// A token bucket per source address, so one prober (or a spoofed victim) gets a bounded reply rate.
/// The table is bounded too: when it fills, buckets idle long enough to be full again are dropped,
/// and if none are, the table is cleared (it only ever grows under a flood of distinct sources).
/// </summary>
internal sealed class SourceRateLimiter
{
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly int _maxSources;
    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, Bucket> _buckets = [];

    public SourceRateLimiter(double perSecond, double burst, int maxSources, TimeProvider time)
    {
        _perSecond = perSecond;
        _burst = burst;
        _maxSources = maxSources;
        _time = time;
    }

    public int Sources => _buckets.Count;

    /// <summary>Takes one token for <paramref name="source"/>; false means drop the request.</summary>
    public bool TryAcquire(IPAddress source)
    {
        long now = _time.GetTimestamp();
        if (!_buckets.TryGetValue(source, out var bucket))
        {
            if (_buckets.Count >= _maxSources)
            {
                Prune(now);
            }
            bucket = new Bucket { Tokens = _burst, Stamp = now };
            _buckets[source] = bucket;
        }
        double elapsed = _time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
        bucket.Tokens = Math.Min(_burst, bucket.Tokens + (elapsed * _perSecond));
        bucket.Stamp = now;
        if (bucket.Tokens < 1)
        {
            return false;
        }
        bucket.Tokens -= 1;
        return true;
    }

    private void Prune(long now)
    {
        double refill = _burst / _perSecond;
        foreach (var (address, bucket) in _buckets)
        {
            if (_time.GetElapsedTime(bucket.Stamp, now).TotalSeconds >= refill)
            {
                _buckets.Remove(address);
            }
        }
        if (_buckets.Count >= _maxSources)
        {
            _buckets.Clear();
        }
    }

    private sealed class Bucket
    {
        public double Tokens;
        public long Stamp;
    }
}
