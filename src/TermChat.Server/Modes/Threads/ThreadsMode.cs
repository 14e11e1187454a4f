using System.Collections.Concurrent;
using System.Net.Sockets;
using TermChat.Server.Connections;
using TermChat.Server.Datagrams;

namespace TermChat.Server.Modes.Threads;

/// <summary>Thread-per-client mode: a blocking accept thread per listener, a reader and a writer thread per client, a UDP receive thread and a UDP sender thread.</summary>
internal sealed class ThreadsMode : TcpMode
{
    private readonly ConcurrentDictionary<long, ThreadConnection> _connections = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Thread> _acceptThreads = [];
    private Thread? _datagramThread;
    private volatile bool _stopping;

    public ThreadsMode(IReadOnlyList<StreamListener> listeners, DatagramEndpoint? datagrams, ServerContext context) : base(listeners, datagrams, context)
    {
    }

    public override void Start()
    {
        foreach (var listener in Listeners)
        {
            var thread = new Thread(() => AcceptLoop(listener), 256 * 1024) { IsBackground = true, Name = "termchat-accept" };
            _acceptThreads.Add(thread);
            thread.Start();
        }
        if (Datagrams is not null)
        {
            _datagramThread = new Thread(Datagrams.ReceiveLoop, 256 * 1024) { IsBackground = true, Name = "termchat-udp" };
            _datagramThread.Start();
            Datagrams.StartSenderThread();
        }
    }

    public override async Task StopAsync()
    {
        _stopping = true;
        CloseListeners();
        await Task.Run(() => _acceptThreads.ForEach(thread => thread.Join())).ConfigureAwait(false);
        if (_connections.IsEmpty) _drained.TrySetResult();
        await _drained.Task.ConfigureAwait(false);
        await StopDatagramsAsync().ConfigureAwait(false);
        await Task.Run(() => _datagramThread?.Join()).ConfigureAwait(false);
    }

    private void AcceptLoop(StreamListener listener)
    {
        while (!_stopping)
        {
            Socket socket;
            try
            {
                socket = listener.Socket.Accept();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                if (_stopping) return;
                Log.AcceptFailed(Context.Logger, exception.Message);
                if (exception.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable) Thread.Sleep(50);
                continue;
            }
            var connection = new ThreadConnection(socket, Context, listener.Handler, Finished);
            _connections[connection.Id] = connection;
            try
            {
                connection.Start();
            }
            catch (OutOfMemoryException)
            {
                // Thread creation failed: nothing else can serve this client.
                _connections.TryRemove(connection.Id, out _);
                socket.Dispose();
            }
        }
    }

    private void Finished(ThreadConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        if (_stopping && _connections.IsEmpty) _drained.TrySetResult();
    }
}
