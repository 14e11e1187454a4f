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
}
