namespace TermChat.Server.Modes.Threads;

/// <summary>
/// Wakes one connection's writer thread: an auto-reset event with a single waiter that never spins before it sleeps.
/// Wake-ups before the writer waits again collapse into one, and only the first of them takes the lock.
/// </summary>
/// <remarks>
/// It replaces a SemaphoreSlim, which spins before it blocks: on a server pinned to one CPU every spin is a
/// sched_yield, and with a writer per client, all woken by each message, the yields went from writer to writer (and to
/// other processes) instead of to the thread queuing the next message.
/// </remarks>
internal sealed class WriterWake
{
    private readonly object _gate = new();
    private int _pending;

    public WriterWake() => PulseAction = Pulse;

    /// <summary><see cref="Pulse"/> as a delegate, made once (for <see cref="Core.HeldWakes"/>).</summary>
    public Action PulseAction { get; }

    /// <summary>Wakes the writer, or makes its next <see cref="Wait"/> return at once (from any thread).</summary>
    public void Set()
    {
        if (Mark()) Pulse();
    }

    /// <summary>
    /// Makes a wake-up pending without waking the writer yet: true when none was pending, and the caller then owes one
    /// <see cref="Pulse"/>; false when one is pending already (its pulse is done or owed by whoever marked it).
    /// </summary>
    public bool Mark() => Interlocked.Exchange(ref _pending, 1) == 0;

    /// <summary>Wakes the writer if it sleeps (after <see cref="Mark"/> returned true).</summary>
    public void Pulse()
    {
        lock (_gate)
        {
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Blocks until a wake-up is pending, and takes it (the writer's thread only).</summary>
    public void Wait()
    {
        if (Interlocked.Exchange(ref _pending, 0) != 0) return;
        lock (_gate)
        {
            // A Mark between the check above and here pulses only once this thread waits (Pulse needs the lock), so
            // the check is repeated under the lock and no wake-up is lost.
            while (Interlocked.Exchange(ref _pending, 0) == 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }
}
