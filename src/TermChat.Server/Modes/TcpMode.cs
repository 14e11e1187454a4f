using TermChat.Server.Connections;

namespace TermChat.Server.Modes;

/// <summary>
/// One way of moving bytes: accepts on the bound listeners (the TermChat port, and the IRC and line ports when
/// served) and runs connections until stopped. What a connection speaks comes from its listener; the outbox and close
/// protocol are shared (<see cref="TcpLink"/>); a mode only decides which threads touch which sockets. A mode also owns the UDP socket on the same port when one is given.
/// </summary>
internal abstract class TcpMode
{
    protected TcpMode(IReadOnlyList<StreamListener> listeners, Datagrams.DatagramEndpoint? datagrams, ServerContext context)
    {
        Listeners = listeners;
        Datagrams = datagrams;
        Context = context;
    }

    protected IReadOnlyList<StreamListener> Listeners { get; }

    protected Datagrams.DatagramEndpoint? Datagrams { get; }

    protected ServerContext Context { get; }

    /// <summary>Starts accepting and serving.</summary>
    public abstract void Start();

    /// <summary>
    /// Stops accepting, waits for every connection to finish (the front end has already told them to close,
    /// and each has a drain deadline), then stops the mode's threads.
    /// </summary>
    public abstract Task StopAsync();

    /// <summary>Closes every listening socket: no more accepts.</summary>
    protected void CloseListeners()
    {
        foreach (var listener in Listeners) listener.Socket.Dispose();
    }

    /// <summary>
    /// Drains and closes the UDP side on a thread of its own: draining waits up to the shutdown drain time,
    /// and blocking a pool thread that long would starve the pool work the drain itself needs.
    /// </summary>
    protected Task StopDatagramsAsync() => Datagrams is null
        ? Task.CompletedTask
        : Task.Factory.StartNew(Datagrams.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
