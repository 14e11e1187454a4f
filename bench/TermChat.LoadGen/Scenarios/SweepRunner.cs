namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Finds the highest offered rate that passes (no loss, p99 within the bound): doubles from the start
/// rate until a run fails (or halves until one passes), then bisects between the last pass and the
/// first failure. Each trial is a fresh run, so a failed trial's backlog cannot spoil the next.
/// </summary>
public sealed class SweepRunner
{
    private readonly Func<double, CancellationToken, Task<FanoutResult>> _trial;
    private readonly double _p99LimitUs;
    private readonly int _bisections;

    /// <summary>Creates a sweep over <paramref name="trial"/> (offered rate → result).</summary>
    public SweepRunner(Func<double, CancellationToken, Task<FanoutResult>> trial, double p99LimitUs, int bisections = 3)
    {
        _trial = trial;
        _p99LimitUs = p99LimitUs;
        _bisections = bisections;
    }

    /// <summary>Runs the sweep between <paramref name="minRate"/> and <paramref name="maxRate"/>.</summary>
    public async Task<SweepResult> RunAsync(double startRate, double minRate, double maxRate, CancellationToken cancellationToken)
    {
        var trials = new List<FanoutResult>();
        FanoutResult? best = null;
        double? failedAt = null;
        double rate = Math.Clamp(startRate, minRate, maxRate);
        async Task<bool> Try(double r)
        {
            var result = await _trial(r, cancellationToken).ConfigureAwait(false);
            trials.Add(result);
            bool pass = result.Meets(_p99LimitUs);
            if (pass && (best is null || r > best.OfferedRate)) best = result;
            if (!pass && (failedAt is null || r < failedAt)) failedAt = r;
            return pass;
        }

        if (await Try(rate).ConfigureAwait(false))
        {
            while (rate < maxRate)
            {
                rate = Math.Min(maxRate, rate * 2);
                if (!await Try(rate).ConfigureAwait(false)) break;
            }
        }
        else
        {
            while (rate > minRate)
            {
                rate = Math.Max(minRate, rate / 2);
                if (await Try(rate).ConfigureAwait(false)) break;
            }
        }
        if (best is not null && failedAt is double high)
        {
            double low = best.OfferedRate;
            for (int i = 0; i < _bisections && high / low > 1.05; i++)
            {
                double mid = Math.Round((low + high) / 2);
                if (await Try(mid).ConfigureAwait(false)) low = mid;
                else high = mid;
            }
        }
        return new SweepResult(best, trials);
    }
}
