using System.Buffers;

namespace TermChat.Server.Modes.Select;

/// <summary>
/// The stream a select-mode <see cref="System.Net.Security.SslStream"/> runs over, so that TLS never blocks the select
/// thread: SslStream is not sans-IO, so it gets a stream whose reads wait on bytes the loop
/// <see cref="Feed">feeds</see> in, and whose writes only append to <see cref="Outbound"/>, which the loop drains to
/// the socket when it is writable.
/// </summary>
/// <remarks>
/// A read with nothing buffered returns a pending task, completed by the next <see cref="Feed"/> with its continuation
/// run inline (no <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>), so SslStream's record
/// processing, and the handshake's crypto, run on the loop thread inside <see cref="Feed"/>. Writes complete before
/// they return. Only the loop thread calls any member.
/// </remarks>
internal sealed class MemoryDuplexStream : Stream
{
    private readonly ArrayBufferWriter<byte> _inbound = new(4096);
    private readonly ArrayBufferWriter<byte> _outbound = new(4096);
    private int _inboundStart;
    private int _outboundStart;
    private bool _inputEnded;
    private TaskCompletionSource<int>? _pendingRead;
    private Memory<byte> _pendingBuffer;

    /// <summary>Ciphertext written by SslStream and not yet sent.</summary>
    public ReadOnlySpan<byte> Outbound => _outbound.WrittenSpan[_outboundStart..];

    public bool HasOutbound => _outbound.WrittenCount > _outboundStart;

    /// <summary>Marks <paramref name="count"/> bytes of <see cref="Outbound"/> as sent.</summary>
    public void ConsumeOutbound(int count)
    {
        _outboundStart += count;
        if (_outboundStart == _outbound.WrittenCount)
        {
            _outbound.ResetWrittenCount();
            _outboundStart = 0;
        }
    }

    /// <summary>Bytes received from the socket; completes a pending read, running SslStream's continuation inline.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (_inboundStart == _inbound.WrittenCount)
        {
            _inbound.ResetWrittenCount();
            _inboundStart = 0;
        }
        _inbound.Write(data);
        CompletePendingRead();
    }

    /// <summary>The peer closed its side: a pending read and every later one return 0.</summary>
    public void EndInput()
    {
        _inputEnded = true;
        CompletePendingRead();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pendingRead is not null) throw new InvalidOperationException("A read is already pending.");
        if (_inputEnded || _inbound.WrittenCount > _inboundStart)
        {
            return new ValueTask<int>(Take(buffer.Span));
        }
        _pendingRead = new TaskCompletionSource<int>();
        _pendingBuffer = buffer;
        return new ValueTask<int>(_pendingRead.Task);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _outbound.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _outbound.Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Write(byte[] buffer, int offset, int count) => _outbound.Write(buffer.AsSpan(offset, count));

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    // A synchronous read would have to block the loop: SslStream is only ever driven with the async calls here.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Select-mode TLS reads only asynchronously.");

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void CompletePendingRead()
    {
        if (_pendingRead is not { } pending) return;
        if (!_inputEnded && _inbound.WrittenCount == _inboundStart && !_pendingBuffer.IsEmpty) return;
        _pendingRead = null;
        int count = Take(_pendingBuffer.Span);
        _pendingBuffer = default;
        pending.SetResult(count);
    }

    private int Take(Span<byte> destination)
    {
        var available = _inbound.WrittenSpan[_inboundStart..];
        int count = Math.Min(available.Length, destination.Length);
        available[..count].CopyTo(destination);
        _inboundStart += count;
        return count;
    }
}
