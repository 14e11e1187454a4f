using System.Collections.Concurrent;

namespace TermChat.Server.Storage;

/// <summary>
/// Runs the <see cref="StoreWriter"/>'s reports (entries committed, searches released) on a thread of its own, in
/// commit order. Delivering a batch to its rooms is the other half of a message's cost: on its own thread it overlaps
/// the writer's next commit instead of following it.
/// </summary>
internal sealed class CommitReporter : IDisposable
{
    // Enough to ride out a slow fan-out; past it the writer waits before its next commit, which holds back echoes
    // rather than letting committed batches pile up in memory.
    private const int MaxPending = 64;

    private readonly BlockingCollection<Action> _reports = new(MaxPending);
    private readonly Thread _thread;
    private int _disposed;

    public CommitReporter()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "termchat-store-report" };
        _thread.Start();
    }

    /// <summary>Queues a report behind those already queued; waits only while <see cref="MaxPending"/> are waiting.</summary>
    public void Report(Action report) => _reports.Add(report);

    /// <summary>Runs what is queued, then stops the thread. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _reports.CompleteAdding();
        _thread.Join();
        _reports.Dispose();
    }

    private void Run()
    {
        foreach (var report in _reports.GetConsumingEnumerable()) report();
    }
}
