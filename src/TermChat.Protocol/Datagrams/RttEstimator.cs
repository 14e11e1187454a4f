namespace TermChat.Protocol.Datagrams;

/// <summary>
/// RFC 6298 round-trip estimator: SRTT and RTTVAR with α = 1/8, β = 1/4, RTO = SRTT + max(1 ms, 4·RTTVAR) + the
/// peer's maximum ack delay, clamped to [min, max]; each timeout doubles it (still clamped to max), a new sample resets the backoff.
/// </summary>
internal sealed class RttEstimator
{
    private readonly DatagramOptions _options;
    private int _backoff;

    public RttEstimator(DatagramOptions options) => _options = options;

    public bool HasSample { get; private set; }

    public double SmoothedMs { get; private set; }

    public double VarianceMs { get; private set; }

    public double LatestMs { get; private set; }

    public double MinMs { get; private set; } = double.MaxValue;

    /// <summary>RTO before backoff.</summary>
    public int BaseRtoMs
    {
        get
        {
            if (!HasSample)
            {
                return Math.Clamp(_options.InitialRtoMs, _options.MinRtoMs, _options.MaxRtoMs);
            }
            double rto = SmoothedMs + Math.Max(1, 4 * VarianceMs) + _options.MaxAckDelayMs;
            return (int)Math.Clamp(Math.Ceiling(rto), _options.MinRtoMs, _options.MaxRtoMs);
        }
    }

    /// <summary>RTO with the exponential backoff applied, clamped to the maximum.</summary>
    public int RtoMs => (int)Math.Min((long)BaseRtoMs << Math.Min(_backoff, 20), _options.MaxRtoMs);

    /// <summary>The delay after which a packet sent before an acknowledged one counts as lost: 9/8 · max(SRTT, latest).</summary>
    public long LossDelayMs
    {
        get
        {
            double rtt = HasSample ? Math.Max(SmoothedMs, LatestMs) : _options.InitialRtoMs;
            return Math.Max(1, (long)Math.Ceiling(rtt * 9 / 8));
        }
    }

    public void OnTimeout() => _backoff++;

    /// <summary>Takes one sample; <paramref name="ackDelayMs"/> is subtracted when that does not go below the minimum seen.</summary>
    public void AddSample(double rttMs, double ackDelayMs)
    {
        rttMs = Math.Max(rttMs, 0);
        MinMs = Math.Min(MinMs, rttMs);
        double adjusted = rttMs;
        double delay = Math.Min(Math.Max(ackDelayMs, 0), _options.MaxAckDelayMs);
        if (adjusted - delay >= MinMs)
        {
            adjusted -= delay;
        }
        LatestMs = adjusted;
        if (!HasSample)
        {
            SmoothedMs = adjusted;
            VarianceMs = adjusted / 2;
            HasSample = true;
        }
        else
        {
            VarianceMs = 0.75 * VarianceMs + 0.25 * Math.Abs(SmoothedMs - adjusted);
            SmoothedMs = 0.875 * SmoothedMs + 0.125 * adjusted;
        }
        _backoff = 0;
    }
}
