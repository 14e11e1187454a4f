using System.Numerics;

namespace TermChat.LoadGen.Metrics;

/// <summary>
/// A log-linear histogram of non-negative values (nanoseconds here), HdrHistogram style: values below
/// 256 are counted exactly; above, each power of two is split into 128 linear buckets, so a reported
/// percentile is never more than 1/128 (0.8 %) above the true value. Recording is a shift and an
/// increment with no allocation; one histogram per receiver, merged at the end, so no locks.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int SubCount = 1 << SubBits;          // 128 buckets per power of two
    private const int LinearLimit = 2 * SubCount;       // values below are their own bucket
    private const int MaxMagnitude = 42;                // 2^42 ns ≈ 73 minutes; larger values are clamped

    /// <summary>The largest value kept exactly in range; larger values count as this.</summary>
    public const long MaxTrackable = (1L << MaxMagnitude) - 1;

    private readonly long[] _counts = new long[BucketCount];
    private long _total;
    private long _min = long.MaxValue;
    private long _max;
    private double _sum;

    private static int BucketCount => LinearLimit + (MaxMagnitude - SubBits - 1) * SubCount;

    /// <summary>Values recorded.</summary>
    public long Count => _total;

    /// <summary>Smallest value recorded, or 0 when empty.</summary>
    public long Min => _total == 0 ? 0 : _min;

    /// <summary>Largest value recorded (clamped to <see cref="MaxTrackable"/>), or 0 when empty.</summary>
    public long Max => _max;

    /// <summary>Arithmetic mean, or 0 when empty.</summary>
    public double Mean => _total == 0 ? 0 : _sum / _total;

    /// <summary>Counts one value; negative values count as 0.</summary>
    public void Record(long value)
    {
        if (value < 0) value = 0;
        else if (value > MaxTrackable) value = MaxTrackable;
        _counts[IndexOf(value)]++;
        _total++;
        _sum += value;
        if (value < _min) _min = value;
        if (value > _max) _max = value;
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        _total += other._total;
        _sum += other._sum;
        if (other._total > 0)
        {
            _min = Math.Min(_min, other._min);
            _max = Math.Max(_max, other._max);
        }
    }

    /// <summary>
    /// The value at or below which <paramref name="percentile"/> percent of the recorded values lie,
    /// reported as the highest value its bucket can hold (never below the true value, at most 0.8 % above)
    /// and never above the largest recorded value. 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (_total == 0) return 0;
        percentile = Math.Clamp(percentile, 0, 100);
        // Rounded first so that 99.9 % of 1000 is rank 999, not 1000 through floating-point error.
        long rank = Math.Max(1, (long)Math.Ceiling(Math.Round(percentile / 100.0 * _total, 6)));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestInBucket(i), _max);
            }
        }
        return _max;
    }

    internal static int IndexOf(long value)
    {
        if (value < LinearLimit) return (int)value;
        int magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value); // >= 8
        int shift = magnitude - SubBits;                                      // >= 1
        int top = (int)(value >> shift);                                      // 128..255
        return LinearLimit + (shift - 1) * SubCount + (top - SubCount);
    }

    internal static long LowestInBucket(int index)
    {
        if (index < LinearLimit) return index;
        int shift = (index - LinearLimit) / SubCount + 1;
        long top = (index - LinearLimit) % SubCount + SubCount;
        return top << shift;
    }

    internal static long HighestInBucket(int index)
    {
        if (index < LinearLimit) return index;
        int shift = (index - LinearLimit) / SubCount + 1;
        long top = (index - LinearLimit) % SubCount + SubCount;
        return ((top + 1) << shift) - 1;
    }
}
