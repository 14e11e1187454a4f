using System.Threading.Tasks.Sources;

namespace TermChat.Server.Modes.Async;

/// <summary>
/// Wakes one connection's writer task: an auto-reset event with a single waiter that allocates nothing
/// per wait. It replaces a SemaphoreSlim, whose cancellable WaitAsync allocated a task, a state machine
/// and a token registration on every wake-up: at 2 M deliveries/s (100 members) the server allocated
/// 75 MB/s with it and 20 MB/s without, and ran a third as many gen-0 collections. Many Set calls before
/// the writer waits again collapse into one wake-up.
/// </summary>
internal sealed class WriterSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Waiting = 1;
    private const int Signaled = 2;
    private const int Closed = 3;

    // The writer continues on the thread pool, never inside Set: Set is called by the front end or the core while it
    // broadcasts, and a writer running there would delay every other member of the room.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Waits until <see cref="Set"/> is called; completes at once if it was called since the last wait.</summary>
    /// <exception cref="OperationCanceledException">The signal was closed.</exception>
    public ValueTask WaitAsync()
    {
        // Only the writer waits, and only after its previous wait completed, so resetting here is safe.
        _core.Reset();
        int previous = Interlocked.CompareExchange(ref _state, Waiting, Idle);
        if (previous == Idle) return new ValueTask(this, _core.Version);
        if (previous == Signaled && Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled) return ValueTask.CompletedTask;
        return ValueTask.FromCanceled(new CancellationToken(canceled: true));
    }

    /// <summary>Wakes the writer (from any thread); it continues on the thread pool.</summary>
    public void Set()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state == Waiting)
            {
                if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
                {
                    _core.SetResult(true);
                    return;
                }
            }
            else if (state == Idle)
            {
                if (Interlocked.CompareExchange(ref _state, Signaled, Idle) == Idle) return;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Ends the signal: a pending or later wait throws <see cref="OperationCanceledException"/>.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _state, Closed) == Waiting)
        {
            _core.SetException(new OperationCanceledException());
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
