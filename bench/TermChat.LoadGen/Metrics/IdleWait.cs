namespace TermChat.LoadGen.Metrics;

/// <summary>
/// Waits until a server process is idle, so one run's backlog (a server still working through what an
/// earlier, overloaded run left it) does not slow the next run.
/// </summary>
public static class IdleWait
{
    /// <summary>
    /// Returns once the process used under <paramref name="maxShare"/> of a CPU over a 0.5 s window, or
    /// after <paramref name="limit"/>; the result is how long it waited.
    /// </summary>
    public static async Task<TimeSpan> UntilIdleAsync(int pid, double maxShare, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // An in-process server (tests) shares this process's CPU time with the generator: nothing to wait for.
        if (pid == Environment.ProcessId) return TimeSpan.Zero;
        double? last = ProcessProbe.TryReadCpuSeconds(pid);
        while (last is not null && System.Diagnostics.Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            double? now = ProcessProbe.TryReadCpuSeconds(pid);
            if (now is null || now - last < maxShare * 0.5) break;
            last = now;
        }
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }
}
