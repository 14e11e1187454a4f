namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Runs blocking work for indices 0..count-1 on a few dedicated threads that end with the batch. Connects
/// and handshakes block (see BenchTarget.Connect); dedicated threads keep the thread pool small, because
/// idle pool workers spin and would steal the generator's one core during the measured run.
/// </summary>
public static class ConnectWorkers
{
    /// <summary>Calls <paramref name="work"/> for every index with at most <paramref name="parallelism"/> at once.</summary>
    /// <returns>Completes when every index is done, or when <paramref name="stop"/> returns true after an item.</returns>
    public static Task RunAsync(int count, int parallelism, Action<int> work, Func<bool>? stop = null)
    {
        int next = -1;
        int threads = Math.Clamp(parallelism, 1, Math.Max(1, count));
        int running = threads;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int t = 0; t < threads; t++)
        {
            new Thread(() =>
            {
                try
                {
                    int index;
                    while ((index = Interlocked.Increment(ref next)) < count && stop?.Invoke() != true)
                    {
                        work(index);
                    }
                }
                catch (Exception exception)
                {
                    done.TrySetException(exception);
                    Interlocked.Exchange(ref next, count);
                }
                finally
                {
                    if (Interlocked.Decrement(ref running) == 0) done.TrySetResult();
                }
            }) { IsBackground = true, Name = "bench connect", }.Start();
        }
        return done.Task;
    }
}
