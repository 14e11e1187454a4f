namespace TermChat.Client.Session;

/// <summary>
/// Keepalive of the session's link: the interval the server asks for in its Welcome (or the default), the time anything
/// last arrived, and the loop that pings every interval and gives up on a link silent for three intervals. Thread-safe:
/// the pump notes arrivals while the loop runs.
/// </summary>
internal sealed class Keepalive(TimeProvider time, TimeSpan defaultInterval)
{
    private long _intervalTicks = defaultInterval.Ticks;
    private long _lastReceived;

    public TimeSpan Interval => TimeSpan.FromTicks(Volatile.Read(ref _intervalTicks));

    /// <summary>Takes the interval from a Welcome; 0 seconds means the server has none, so the default applies.</summary>
    public void Configure(int serverSeconds) =>
        Volatile.Write(ref _intervalTicks, serverSeconds > 0 ? TimeSpan.FromSeconds(serverSeconds).Ticks : defaultInterval.Ticks);

    /// <summary>Something arrived from the server.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastReceived, time.GetTimestamp());

    /// <summary>Calls <paramref name="ping"/> every interval until cancelled or the link falls silent.</summary>
    /// <returns>How long the link had been silent when it was given up on; null when cancelled.</returns>
    public async Task<TimeSpan?> RunAsync(Func<Task> ping, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var interval = Interval;
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                var idle = time.GetElapsedTime(Interlocked.Read(ref _lastReceived));
                if (idle >= interval * 3)
                {
                    return idle;
                }
                await ping().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
