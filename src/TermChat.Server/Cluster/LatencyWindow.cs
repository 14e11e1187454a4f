using System.Diagnostics;

namespace TermChat.Server.Cluster;

/// <summary>
/// The last <see cref="Capacity"/> durations of something, for percentiles on demand (/stats, the stats log). Recording
/// is one store under a lock; a percentile sorts a copy, which is cheap at operators' pace.
/// </summary>
internal sealed class LatencyWindow
{
    public const int Capacity = 1024;

    private readonly long[] _micros = new long[Capacity];
    private readonly object _gate = new();
    private long _count;

    /// <summary>Records the time from <paramref name="since"/> (a Stopwatch timestamp) to now.</summary>
    public void RecordSince(long since) => Record(Stopwatch.GetElapsedTime(since).Ticks / TimeSpan.TicksPerMicrosecond);

    /// <summary>Records one duration in microseconds, replacing the oldest once the window is full.</summary>
    public void Record(long micros)
    {
        lock (_gate) _micros[_count++ % Capacity] = micros;
    }

    /// <summary>The duration that <paramref name="fraction"/> of the window's samples do not exceed; 0 with no sample.</summary>
    public long Percentile(double fraction)
    {
        long[] samples;
        lock (_gate) samples = _micros[..(int)Math.Min(_count, Capacity)];
        if (samples.Length == 0) return 0;
        Array.Sort(samples);
        int index = (int)Math.Ceiling(fraction * samples.Length) - 1;
        return samples[Math.Clamp(index, 0, samples.Length - 1)];
    }
}
