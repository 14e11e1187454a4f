namespace TermChat.Server.Cluster;

/// <summary>
/// A cluster component's background loops and the one token that stops them all: stopped once, and waited for only a
/// bounded time, since a loop blocked on a NATS connection that is going away ends with the connection anyway.
/// </summary>
internal sealed class NodeLoops
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stop = new();
    private Task[] _running = [];

    /// <summary>Cancelled when the component stops.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether the component is stopping (or has stopped).</summary>
    public bool Stopping => _stop.IsCancellationRequested;

    /// <summary>The loops to wait for at <see cref="StopAsync"/>; called once, after they were started.</summary>
    public void Start(params Task[] loops) => _running = loops;

    /// <summary>Cancels the loops and waits for them (at most a few seconds). Only the first call does anything.</summary>
    public async ValueTask StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try
        {
            await Task.WhenAll(_running).WaitAsync(StopWait).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Stopping: the loops end with the connection.
        }
        _stop.Dispose();
    }
}
