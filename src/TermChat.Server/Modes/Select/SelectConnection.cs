using System.Buffers;
using System.Net.Sockets;
using TermChat.Server.Connections;

namespace TermChat.Server.Modes.Select;

/// <summary>
/// A non-blocking connection driven entirely by the select thread: it reads until the socket would
/// block, flushes its pending output when the socket is writable, and is closed by the loop.
/// </summary>
internal sealed class SelectConnection : TcpLink
{
    private const int SendBufferBytes = 32 * 1024;
    private readonly SelectLoop _loop;
    private readonly ReceiveBuffer _receive = new();
    private byte[]? _pending;
    private int _pendingOffset;
    private int _pendingCount;
    private long _lingerUntil;
    private bool _inputEnded;

    public SelectConnection(Socket socket, ServerContext context, Func<TcpLink, IStreamHandler> handler, SelectLoop loop) : base(socket, context, handler)
    {
        _loop = loop;
        socket.Blocking = false;
    }

    public Socket RawSocket => Socket;

    public bool Admitted { get; private set; }

    /// <summary>Flood control holds this connection's input until this timestamp (0 = not held).</summary>
    public long ThrottledUntil { get; set; }

    /// <summary>The final frame went out and our side is shut; waiting briefly for the peer to close.</summary>
    public bool Lingering { get; private set; }

    public bool Done { get; private set; }

    /// <summary>Already in the loop's list of connections to flush at the end of this pass.</summary>
    public bool FlushPending { get; set; }

    public bool WantsWrite => !Done && !Lingering && (_pendingCount > 0 || !Outbox.IsEmpty || OutputEnded);

    public bool WantsRead => !Done && ThrottledUntil == 0 && !_inputEnded;

    public void Open() => Admitted = Admit();

    /// <summary>Reads until the socket would block, handling frames as they complete.</summary>
    public void OnReadable(long now)
    {
        while (!Done)
        {
            int read = Socket.Receive(_receive.GetMemory().Span, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                _receive.ReleaseIfEmpty();
                return;
            }
            if (error != SocketError.Success)
            {
                PeerGone(error == SocketError.ConnectionReset ? "connection reset" : "connection lost");
                Complete();
                return;
            }
            if (read == 0)
            {
                InputEnded(now);
                return;
            }
            _receive.Advance(read);
            if (IsClosing || !Admitted)
            {
                _receive.Clear();
                continue;
            }
            if (!HandleInput(now)) return;
        }
    }

    /// <summary>
    /// The peer shut its side. It may still be reading (a half-close right after an invalid frame, say), so a
    /// final frame of ours is sent before the socket closes, and sent now rather than at the end of the pass:
    /// a session that has already said everything ends here and frees its per-address slot at once.
    /// </summary>
    private void InputEnded(long now)
    {
        _inputEnded = true;
        PeerFinished(_receive);
        if (Lingering || (OutputEnded && Reason == DisconnectReason.PeerClosed))
        {
            Complete();
            return;
        }
        OnWritable(now);
    }

    /// <summary>Handles buffered frames; false if flood control now holds the connection.</summary>
    public bool HandleInput(long now)
    {
        if (ProcessInput(_receive, out var retryAfter) == InputResult.Throttled)
        {
            ThrottledUntil = now + Math.Max(1, (long)(retryAfter.TotalSeconds * Context.Options.TimeProvider.TimestampFrequency));
            return false;
        }
        ThrottledUntil = 0;
        return true;
    }

    /// <summary>Sends pending output until done or the socket would block.</summary>
    public void OnWritable(long now)
    {
        while (!Done)
        {
            if (_pendingCount == 0)
            {
                // Rented per flush and returned once drained: a fresh array per flush was 32 KiB zeroed per
                // delivery at low rates, and a kept one would cost every idle connection 32 KiB.
                _pending ??= ArrayPool<byte>.Shared.Rent(SendBufferBytes);
                _pendingOffset = 0;
                _pendingCount = Outbox.CopyTo(_pending);
                if (_pendingCount == 0)
                {
                    ReturnPending();
                    if (OutputEnded) BeginLinger(now);
                    return;
                }
            }
            int sent = Socket.Send(_pending.AsSpan(_pendingOffset, _pendingCount), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock) return;
            if (error != SocketError.Success)
            {
                PeerGone("connection lost");
                Complete();
                return;
            }
            _pendingOffset += sent;
            _pendingCount -= sent;
        }
    }

    /// <summary>Timers: the close deadline and the linger after the final frame.</summary>
    public void CheckTimers(long now)
    {
        if (Done) return;
        if (Lingering && now >= _lingerUntil) Complete();
        else if (IsClosing && DeadlinePassed) Complete();
        else if (OutputEnded && Reason == DisconnectReason.PeerClosed) Complete();
    }

    private void BeginLinger(long now)
    {
        if (Lingering) return;
        if (Reason == DisconnectReason.PeerClosed)
        {
            Complete();
            return;
        }
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            Complete();
            return;
        }
        if (_inputEnded)
        {
            // The peer has already shut its side: there is nothing to wait for.
            Complete();
            return;
        }
        Lingering = true;
        _lingerUntil = now + (long)(Linger.TotalSeconds * Clock.TimestampFrequency);
    }

    /// <summary>Closes the socket and reports the end; the loop drops the connection afterwards.</summary>
    public void Complete()
    {
        if (Done) return;
        Done = true;
        _receive.Dispose();
        ReturnPending();
        Finish();
        _loop.Remove(this);
    }

    private void ReturnPending()
    {
        if (_pending is null) return;
        ArrayPool<byte>.Shared.Return(_pending);
        _pending = null;
    }

    protected override void OnOutputQueued() => _loop.OutputQueued(this);

    protected override void OnClosing() => _loop.WakeFromOtherThread();

    protected override void OnDeadline() => _loop.WakeFromOtherThread();
}
