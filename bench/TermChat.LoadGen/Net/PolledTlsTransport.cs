using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace TermChat.LoadGen.Net;

/// <summary>
/// The stream a bench connection's SslStream runs over. Synchronous reads block on the socket (the handshake and the
/// handshake answer, on the connecting thread; ping-pong's blocking reads). Asynchronous reads are served only from
/// ciphertext that <see cref="Receive"/> took from the socket after the polling receiver saw it readable, and stay
/// pending until then: one thread can decrypt every TLS subscriber without blocking, and because SslStream is drained
/// until its read is pending on this stream, no whole record is left inside it unseen. Writes block on the socket.
/// </summary>
/// <remarks>
/// A pending read is completed inside <see cref="Receive"/> with SslStream's continuation run inline (no
/// RunContinuationsAsynchronously), so the decryption runs on the polling thread and the caller sees SslStream's read
/// completed when <see cref="Receive"/> returns. <see cref="Receive"/> and the asynchronous reads belong to one thread.
/// </remarks>
internal sealed class PolledTlsTransport(Socket socket, int receiveBytes) : Stream, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _read;
    private bool _readPending;
    private Memory<byte> _readBuffer;
    private byte[]? _inbound;
    private int _inboundStart;
    private int _inboundEnd;
    private bool _inputEnded;

    /// <summary>
    /// One receive of ciphertext (the socket polled readable, so it does not block), handed to a pending read. When the
    /// peer closed or the socket failed, every read from then on returns 0.
    /// </summary>
    public void Receive()
    {
        if (_inputEnded) return;
        // Allocated on the first receive: only connections the polling receiver reads need it.
        _inbound ??= new byte[receiveBytes];
        if (_inboundStart == _inboundEnd) _inboundStart = _inboundEnd = 0;
        if (_inboundEnd == _inbound.Length)
        {
            // SslStream has not taken what is here yet (its read is not pending): take nothing more for now.
            return;
        }
        int read = socket.Receive(_inbound.AsSpan(_inboundEnd), SocketFlags.None, out var error);
        if (error is SocketError.WouldBlock or SocketError.Interrupted) return;
        if (error != SocketError.Success || read == 0) _inputEnded = true;
        _inboundEnd += read;
        CompleteRead();
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readPending) throw new InvalidOperationException("A read is already pending.");
        if (_inputEnded || _inboundEnd > _inboundStart) return new ValueTask<int>(Take(buffer.Span));
        _read.Reset();
        _readBuffer = buffer;
        _readPending = true;
        return new ValueTask<int>(this, _read.Version);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (_inboundEnd > _inboundStart || _inputEnded) return Take(buffer);
        return socket.Receive(buffer, SocketFlags.None);
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int sent = socket.Send(buffer, SocketFlags.None);
            buffer = buffer[sent..];
        }
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags);

    private void CompleteRead()
    {
        if (!_readPending || (!_inputEnded && _inboundEnd == _inboundStart)) return;
        _readPending = false;
        int count = Take(_readBuffer.Span);
        _readBuffer = default;
        _read.SetResult(count);
    }

    private int Take(Span<byte> destination)
    {
        if (_inbound is null) return 0;
        int count = Math.Min(_inboundEnd - _inboundStart, destination.Length);
        _inbound.AsSpan(_inboundStart, count).CopyTo(destination);
        _inboundStart += count;
        return count;
    }
}
