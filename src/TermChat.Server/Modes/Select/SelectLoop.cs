using System.Net;
using System.Net.Sockets;
using TermChat.Server.Connections;
using TermChat.Server.Datagrams;

namespace TermChat.Server.Modes.Select;

/// <summary>
/// Select mode: one thread runs <c>Socket.Select</c> over the listeners, a loopback wake socket,
/// the UDP socket and every client, and no other thread touches those sockets. Each wakeup accepts every
/// pending connection, reads each readable socket until it would block, and flushes each writable socket
/// that has pending output; output queued during a pass is sent at its end, and only sockets whose send
/// would block wait in the write list.
/// </summary>
internal sealed class SelectLoop : TcpMode
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ClosingPoll = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<Socket, SelectConnection> _bySocket = new(ReferenceEqualityComparer.Instance);
    private readonly List<SelectConnection> _connections = [];
    private readonly List<SelectConnection> _removed = [];
    private readonly List<SelectConnection> _flushAfterPass = [];
    private readonly List<StreamListener> _acceptable = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _wakeByte = [1];
    private Socket _wakeReceiver = null!;
    private Socket _wakeSender = null!;
    private EndPoint _wakeEndPoint = null!;
    private Thread? _thread;
    private int _loopThreadId;
    private int _wakePending;
    private volatile bool _stopping;

    public SelectLoop(IReadOnlyList<StreamListener> listeners, DatagramEndpoint? datagrams, ServerContext context) : base(listeners, datagrams, context)
    {
    }

    public override void Start()
    {
        var loopback = Socket.OSSupportsIPv4 ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        _wakeReceiver = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        _wakeReceiver.Bind(new IPEndPoint(loopback, 0));
        _wakeEndPoint = _wakeReceiver.LocalEndPoint!;
        _wakeSender = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        foreach (var listener in Listeners) listener.Socket.Blocking = false;
        if (Datagrams is not null)
        {
            // The select thread is the UDP socket's one sender too: other threads only queue and wake it.
            Datagrams.UseSelectThread(WakeFromOtherThread);
        }
        _thread = new Thread(Run, 1024 * 1024) { IsBackground = true, Name = "termchat-select" };
        _thread.Start();
    }

    public override Task StopAsync()
    {
        _stopping = true;
        Wake();
        return _done.Task;
    }

    /// <summary>Where TLS connections receive ciphertext before feeding it to SslStream (the loop thread's only).</summary>
    public byte[] TlsScratch { get; } = new byte[32 * 1024];

    /// <summary>Wakes the loop when output was queued by another thread (timers, shutdown).</summary>
    public void WakeFromOtherThread()
    {
        if (!OnLoopThread) Wake();
    }

    /// <summary>
    /// Output was queued for <paramref name="connection"/>. On the loop thread it is sent at the end of the
    /// current pass without asking select first (a socket is nearly always writable, and asking cost a second
    /// select over every socket per message); from other threads the loop is woken.
    /// </summary>
    public void OutputQueued(SelectConnection connection)
    {
        if (!OnLoopThread)
        {
            Wake();
        }
        else if (!connection.FlushPending)
        {
            connection.FlushPending = true;
            _flushAfterPass.Add(connection);
        }
    }

    private bool OnLoopThread => Environment.CurrentManagedThreadId == _loopThreadId;

    /// <summary>Called by a connection when it has completed; applied after the current pass.</summary>
    public void Remove(SelectConnection connection) => _removed.Add(connection);

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) != 0) return;
        try
        {
            _wakeSender.SendTo(_wakeByte, _wakeEndPoint);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Run()
    {
        _loopThreadId = Environment.CurrentManagedThreadId;
        try
        {
            Loop();
        }
        catch (Exception exception)
        {
            Log.LoopFailed(Context.Logger, exception, "select");
        }
        finally
        {
            foreach (var connection in _connections.ToArray()) connection.Complete();
            CloseListeners();
            Datagrams?.Dispose();
            _wakeReceiver.Dispose();
            _wakeSender.Dispose();
            _done.TrySetResult();
        }
    }

    private void Loop()
    {
        var time = Context.Options.TimeProvider;
        var readList = new List<Socket>();
        var writeList = new List<Socket>();
        var scratch = new byte[65536];
        bool listening = true;
        while (true)
        {
            if (_stopping && listening)
            {
                CloseListeners();
                listening = false;
            }
            readList.Clear();
            writeList.Clear();
            if (listening)
            {
                foreach (var listener in Listeners) readList.Add(listener.Socket);
            }
            readList.Add(_wakeReceiver);
            if (Datagrams is not null)
            {
                readList.Add(Datagrams.Socket);
                if (Datagrams.HasQueued) writeList.Add(Datagrams.Socket);
            }

            long now = time.GetTimestamp();
            long wakeAt = now + (long)(MaxWait.TotalSeconds * time.TimestampFrequency);
            // Timers and input released from flood control can queue output for any connection, so they all
            // run, and that output is sent, before the lists are built.
            foreach (var connection in _connections)
            {
                connection.CheckTimers(now);
                if (!connection.Done && connection.ThrottledUntil != 0 && now >= connection.ThrottledUntil)
                {
                    connection.Release(now);
                }
            }
            FlushAfterPass(now);
            foreach (var connection in _connections)
            {
                if (connection.Done) continue;
                if (connection.WantsRead) readList.Add(connection.RawSocket);
                else if (connection.ThrottledUntil != 0) wakeAt = Math.Min(wakeAt, connection.ThrottledUntil);
                if (connection.WantsWrite) writeList.Add(connection.RawSocket);
                if (connection.IsClosing) wakeAt = Math.Min(wakeAt, now + (long)(ClosingPoll.TotalSeconds * time.TimestampFrequency));
            }
            ApplyRemovals();
            if (_stopping && _connections.Count == 0) return;

            long waitMicros = Math.Max(0, (wakeAt - now) * 1_000_000 / time.TimestampFrequency);
            Socket.Select(readList, writeList.Count > 0 ? writeList : null, null, (int)Math.Min(waitMicros, int.MaxValue));

            now = time.GetTimestamp();
            _acceptable.Clear();
            foreach (var socket in readList)
            {
                if (ListenerOf(socket) is { } listener) _acceptable.Add(listener);
                else if (ReferenceEquals(socket, _wakeReceiver)) DrainWake(scratch);
                else if (Datagrams is not null && ReferenceEquals(socket, Datagrams.Socket)) Datagrams.ReceiveAvailable(scratch);
                else if (_bySocket.TryGetValue(socket, out var connection)) Guard(connection, now, static (c, t) => c.OnReadable(t));
            }
            // Accepts are judged after this wakeup's reads, so connections whose close was already waiting have
            // freed their per-address slots first.
            foreach (var listener in _acceptable) AcceptAll(listener, now);
            foreach (var socket in writeList)
            {
                if (Datagrams is not null && ReferenceEquals(socket, Datagrams.Socket)) Datagrams.FlushQueued();
                else if (_bySocket.TryGetValue(socket, out var connection)) Guard(connection, now, static (c, t) => c.OnWritable(t));
            }
            FlushAfterPass(now);
            ApplyRemovals();
        }
    }

    /// <summary>Runs one connection's work; a failure there ends only that connection, never the loop.</summary>
    private void Guard(SelectConnection connection, long now, Action<SelectConnection, long> work)
    {
        try
        {
            work(connection, now);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.LoopFailed(Context.Logger, exception, $"select connection {connection.Id}");
            connection.Complete();
        }
    }

    /// <summary>Sends what this pass queued; whatever would block waits in the next select's write list.</summary>
    private void FlushAfterPass(long now)
    {
        // Index loop: a flush that fails can close a connection, and its final frame can queue more here.
        for (int i = 0; i < _flushAfterPass.Count; i++)
        {
            var connection = _flushAfterPass[i];
            connection.FlushPending = false;
            if (connection.WantsWrite) Guard(connection, now, static (c, t) => c.OnWritable(t));
        }
        _flushAfterPass.Clear();
    }

    private StreamListener? ListenerOf(Socket socket)
    {
        foreach (var listener in Listeners)
        {
            if (ReferenceEquals(socket, listener.Socket)) return listener;
        }
        return null;
    }

    private void AcceptAll(StreamListener listener, long now)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Socket.Accept();
            }
            catch (SocketException exception)
            {
                if (exception.SocketErrorCode != SocketError.WouldBlock) Log.AcceptFailed(Context.Logger, exception.Message);
                return;
            }
            var connection = new SelectConnection(socket, Context, listener.Handler, this);
            _bySocket[socket] = connection;
            _connections.Add(connection);
            connection.Open();
            // Read at once: a session that waited in the backlog and has already said everything and closed (a
            // burst of short sessions on a busy machine) ends here, before the next accept is judged.
            Guard(connection, now, static (c, t) => c.OnReadable(t));
        }
    }

    private void DrainWake(byte[] scratch)
    {
        Volatile.Write(ref _wakePending, 0);
        while (_wakeReceiver.Available > 0)
        {
            _wakeReceiver.Receive(scratch, SocketFlags.None, out _);
        }
    }

    private void ApplyRemovals()
    {
        if (_removed.Count == 0) return;
        // One pass over the list however many were removed: no O(n^2) work per wakeup.
        var gone = new HashSet<SelectConnection>(_removed, ReferenceEqualityComparer.Instance);
        foreach (var connection in _removed) _bySocket.Remove(connection.RawSocket);
        _connections.RemoveAll(gone.Contains);
        _removed.Clear();
    }
}
