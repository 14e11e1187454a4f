namespace TermChat.TestKit.Server;

/// <summary>Waits for a condition that another thread makes true, with a deadline (for state with no event to await).</summary>
public static class Eventually
{
    /// <summary>Re-checks <paramref name="condition"/> every 10 ms until it holds or <paramref name="timeout"/> passes.</summary>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Re-runs <paramref name="attempt"/> every 10 ms until it gives a value or <paramref name="timeout"/> passes (for a
    /// state another process changes, such as a nick a cluster frees).
    /// </summary>
    /// <exception cref="TimeoutException">No attempt gave a value in time.</exception>
    public static async Task<T> ResultAsync<T>(Func<Task<T?>> attempt, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await attempt().ConfigureAwait(false) is { } result) return result;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No attempt succeeded in time.");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }
}
