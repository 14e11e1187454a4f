using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TermChat.Server.Connections;

namespace TermChat.Server.Modes.Select;

/// <summary>
/// A non-blocking connection driven entirely by the select thread: it reads until the socket would
/// block, flushes its pending output when the socket is writable, and is closed by the loop. Over TLS the same
/// thread runs <see cref="SslStream"/> on a <see cref="MemoryDuplexStream"/>: received ciphertext is fed in, SslStream
/// completes its reads inline, and the ciphertext it writes is sent like plaintext output.
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
    private MemoryDuplexStream? _duplex;
    private SslStream? _tls;
    private Task? _handshake;
    private bool _tlsReady;
    private ValueTask<int> _tlsRead;
    private bool _tlsReadPending;
    private bool _tlsWaitingForData = true;
    private bool _closeNotifySent;

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

    public bool WantsWrite => !Done && !Lingering && !AwaitsFirstByte && (_duplex is null
        ? _pendingCount > 0 || !Outbox.IsEmpty || OutputEnded
        : _duplex.HasOutbound || (_tlsReady && (!Outbox.IsEmpty || OutputEnded)));

    public bool WantsRead => !Done && ThrottledUntil == 0 && !_inputEnded;

    public void Open() => Admitted = Admit();

    /// <summary>Reads until the socket would block, handling frames as they complete.</summary>
    public void OnReadable(long now)
    {
        if (Kind == StreamKind.Undecided && !DecideFromFirstByte()) return;
        if (_duplex is not null)
        {
            ReadTls(now);
            return;
        }
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
                SocketFailed(error);
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

    /// <summary>Peeks at the first byte to choose TLS or plaintext; false when nothing has arrived yet.</summary>
    private bool DecideFromFirstByte()
    {
        Span<byte> first = stackalloc byte[1];
        int read = Socket.Receive(first, SocketFlags.Peek, out var error);
        if (error == SocketError.WouldBlock) return false;
        // A failure or an end before any byte is handled by the plaintext path, as before TLS existed.
        if (Decide(error == SocketError.Success && read == 1 ? first[0] : -1) != StreamKind.Tls) return true;
        if (IsClosing && !CloseAwaitsFirstByte)
        {
            // Closing before a TLS client could be answered (a silent client's timeout): nothing can be said to it.
            Complete();
            return false;
        }
        _duplex = new MemoryDuplexStream();
        _tls = new SslStream(_duplex, leaveInnerStreamOpen: false);
        _handshake = _tls.AuthenticateAsServerAsync(TlsOptions(), CancellationToken.None);
        return true;
    }

    /// <summary>Feeds received ciphertext to SslStream until the socket would block, then handles what it decrypted.</summary>
    private void ReadTls(long now)
    {
        byte[] scratch = _loop.TlsScratch;
        while (!Done && !_inputEnded)
        {
            int read = Socket.Receive(scratch, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock) break;
            if (error != SocketError.Success)
            {
                SocketFailed(error);
                return;
            }
            if (read == 0)
            {
                _duplex!.EndInput();
                break;
            }
            _duplex!.Feed(scratch.AsSpan(0, read));
            // Flood control holds the connection: stop taking bytes off the socket, as the plaintext path does.
            if (ThrottledUntil != 0) break;
        }
        PumpTls(now);
    }

    /// <summary>
    /// Moves TLS forward as far as the fed bytes allow: the handshake, then reads (a zero-byte read to wait for a
    /// record without holding a buffer, then one read into the receive buffer), handling frames as they complete.
    /// </summary>
    private void PumpTls(long now)
    {
        if (_handshake is not null)
        {
            if (!_handshake.IsCompleted) return;
            var handshake = _handshake;
            _handshake = null;
            if (handshake.Exception is { } failure)
            {
                TlsFailed(failure.InnerException ?? failure);
                Complete();
                return;
            }
            _tlsReady = true;
            TlsEstablished(_tls!);
            // Output queued while the handshake ran (a close, say) can go now.
            _loop.OutputQueued(this);
        }
        while (!Done && ThrottledUntil == 0 && !_inputEnded)
        {
            if (!_tlsReadPending)
            {
                _tlsRead = _tls!.ReadAsync(_tlsWaitingForData ? Memory<byte>.Empty : _receive.GetMemory(), CancellationToken.None);
                _tlsReadPending = true;
            }
            if (!_tlsRead.IsCompleted) break;
            _tlsReadPending = false;
            int read;
            try
            {
                read = _tlsRead.GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is IOException or AuthenticationException or InvalidOperationException)
            {
                TlsFailed(exception);
                Complete();
                return;
            }
            if (_tlsWaitingForData)
            {
                // A record is decrypted (or the stream ended): the next read takes it without waiting.
                _tlsWaitingForData = false;
                continue;
            }
            _tlsWaitingForData = true;
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
            if (!HandleInput(now)) break;
        }
        if (_duplex!.HasOutbound) _loop.OutputQueued(this);
    }

    /// <summary>Flood control released the connection: handle what is buffered, then read on.</summary>
    public void Release(long now)
    {
        if (HandleInput(now) && _tls is not null && !Done) PumpTls(now);
    }

    private void SocketFailed(SocketError error)
    {
        PeerGone(error == SocketError.ConnectionReset ? "connection reset" : "connection lost");
        Complete();
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
        if (Kind == StreamKind.Undecided) DecideForOutput();
        if (_duplex is not null)
        {
            WriteTls(now);
            return;
        }
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
            if (!TrySend(_pending.AsSpan(_pendingOffset, _pendingCount), out int sent)) return;
            _pendingOffset += sent;
            _pendingCount -= sent;
        }
    }

    /// <summary>
    /// Sends SslStream's ciphertext; once it is all out, encrypts the next chunk of the outbox (SslStream writes to the
    /// duplex stream without waiting), and after the final frame sends TLS close_notify before the linger.
    /// </summary>
    private void WriteTls(long now)
    {
        var duplex = _duplex!;
        while (!Done)
        {
            while (duplex.HasOutbound)
            {
                if (!TrySend(duplex.Outbound, out int sent)) return;
                duplex.ConsumeOutbound(sent);
            }
            if (!_tlsReady) return;
            if (_closeNotifySent)
            {
                BeginLinger(now);
                return;
            }
            _pending ??= ArrayPool<byte>.Shared.Rent(SendBufferBytes);
            int count = Outbox.CopyTo(_pending);
            var write = count > 0
                ? _tls!.WriteAsync(_pending.AsMemory(0, count), CancellationToken.None)
                : OutputEnded ? new ValueTask(_tls!.ShutdownAsync()) : default;
            if (count == 0)
            {
                ReturnPending();
                if (!OutputEnded) return;
                _closeNotifySent = true;
            }
            // The duplex stream completes every write at once, so SslStream's write has completed too.
            if (!write.IsCompleted) throw new InvalidOperationException("A select-mode TLS write did not complete at once.");
            write.GetAwaiter().GetResult();
        }
    }

    /// <summary>One non-blocking send; false when the socket would block or failed (then the connection is done).</summary>
    private bool TrySend(ReadOnlySpan<byte> data, out int sent)
    {
        sent = Socket.Send(data, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock) return false;
        if (error != SocketError.Success)
        {
            PeerGone("connection lost");
            Complete();
            return false;
        }
        return true;
    }

    /// <summary>Timers: the close deadline and the linger after the final frame.</summary>
    public void CheckTimers(long now)
    {
        if (Done) return;
        if (Lingering && now >= _lingerUntil) Complete();
        else if (IsClosing && DeadlinePassed) Complete();
        // A close during the TLS handshake has no channel to say why on: the connection just ends.
        else if (IsClosing && !CloseAwaitsFirstByte && _duplex is not null && !_tlsReady && _handshake is not null) Complete();
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
        _tls?.Dispose();
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
