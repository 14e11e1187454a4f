using System.Net.Sockets;
using TermChat.Server.Connections;

namespace TermChat.Server.Modes;

/// <summary>
/// One way of moving bytes: accepts on the bound listener and runs connections until stopped. The
/// front end, codec, outbox and close protocol are shared (<see cref="TcpLink"/>); a mode only decides which
/// threads touch which sockets. A mode also owns the UDP socket on the same port when one is given.
/// </summary>
internal abstract class TcpMode
{
    protected TcpMode(Socket listener, Datagrams.DatagramEndpoint? datagrams, ServerContext context)
    {
        Listener = listener;
        Datagrams = datagrams;
        Context = context;
    }

    protected Socket Listener { get; }

    protected Datagrams.DatagramEndpoint? Datagrams { get; }

    protected ServerContext Context { get; }

    /// <summary>Starts accepting and serving.</summary>
    public abstract void Start();

    /// <summary>
    /// Stops accepting, waits for every connection to finish (the front end has already told them to close,
    /// and each has a drain deadline), then stops the mode's threads.
    /// </summary>
    public abstract Task StopAsync();

    /// <summary>
    /// Drains and closes the UDP side on a thread of its own: draining waits up to the shutdown drain time,
    /// and blocking a pool thread that long would starve the pool work the drain itself needs.
    /// </summary>
    protected Task StopDatagramsAsync() => Datagrams is null
        ? Task.CompletedTask
        : Task.Factory.StartNew(Datagrams.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
