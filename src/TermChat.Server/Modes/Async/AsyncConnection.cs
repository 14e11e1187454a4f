using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TermChat.Server.Connections;

namespace TermChat.Server.Modes.Async;

/// <summary>
/// A connection served with async/await: a read loop that waits with a zero-byte read before renting a
/// buffer, and one writer task that coalesces every queued frame into as few sends as possible. Over TLS both loops
/// use one SslStream with its async calls (the reader runs the handshake; the writer waits for it).
/// </summary>
internal sealed class AsyncConnection : TcpLink
{
    private const int SendBufferBytes = 64 * 1024;
    private readonly WriterSignal _signal = new();
    private readonly CancellationTokenSource _abort = new();
    // Completes once the writer knows where to write: plaintext decided, or the TLS handshake over (either way).
    private readonly TaskCompletionSource _writable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SslStream? _tls;

    public AsyncConnection(Socket socket, ServerContext context, Func<TcpLink, IStreamHandler> handler) : base(socket, context, handler)
    {
    }

    public async Task RunAsync()
    {
        bool admitted = Admit();
        var writer = Task.Run(WriteLoopAsync);
        var reader = Task.Run(() => ReadLoopAsync(admitted));
        await writer.ConfigureAwait(false);
        // After the final frame, keep reading (and discarding) briefly so that closing does not reset
        // the connection while the peer still has unread bytes in flight, which could destroy our
        // last frame before the peer reads it.
        try
        {
            await reader.WaitAsync(Linger, Clock).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        _abort.Cancel();
        Finish();
        await reader.ConfigureAwait(false);
        _abort.Dispose();
        if (_tls is not null) await _tls.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ReadLoopAsync(bool admitted)
    {
        using var buffer = new ReceiveBuffer();
        var token = _abort.Token;
        try
        {
            if (!await StartStreamAsync(token).ConfigureAwait(false))
            {
                PeerFinished(buffer);
                return;
            }
            while (true)
            {
                if (buffer.Length == 0)
                {
                    // Idle connections hold no receive buffer: wait for data with a zero-byte read first (SslStream
                    // supports it too, holding no buffer of its own while it waits).
                    buffer.ReleaseIfEmpty();
                    if (_tls is null) await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, token).ConfigureAwait(false);
                    else await _tls.ReadAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
                }
                int read = _tls is null
                    ? await Socket.ReceiveAsync(buffer.GetMemory(), SocketFlags.None, token).ConfigureAwait(false)
                    : await _tls.ReadAsync(buffer.GetMemory(), token).ConfigureAwait(false);
                if (read == 0)
                {
                    PeerFinished(buffer);
                    return;
                }
                buffer.Advance(read);
                if (IsClosing || !admitted)
                {
                    buffer.Clear();
                    continue;
                }
                while (true)
                {
                    var result = ProcessInput(buffer, out var retryAfter);
                    if (result != InputResult.Throttled) break;
                    // Backpressure: no reads and no handling until the bucket refills.
                    await Task.Delay(retryAfter, Context.Options.TimeProvider, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or IOException)
        {
            Log.SocketError(Context.Logger, Id, exception.Message);
            PeerGone(exception is SocketException { SocketErrorCode: SocketError.ConnectionReset } ? "connection reset" : "connection lost");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Failed(exception);
        }
        finally
        {
            _writable.TrySetResult();
            Wake();
        }
    }

    /// <summary>
    /// Waits for the first byte and decides TLS or plaintext; for TLS runs the handshake. False: the peer closed before
    /// saying anything, or the TLS handshake failed.
    /// </summary>
    private async Task<bool> StartStreamAsync(CancellationToken token)
    {
        byte[] first = new byte[1];
        int peeked = await Socket.ReceiveAsync(first, SocketFlags.Peek, token).ConfigureAwait(false);
        if (Decide(peeked == 1 ? first[0] : -1) == StreamKind.Tls)
        {
            var tls = new SslStream(new NetworkStream(Socket, ownsSocket: false), leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsServerAsync(TlsOptions(), token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is AuthenticationException or IOException)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                TlsFailed(exception);
                return false;
            }
            _tls = tls;
            TlsEstablished(tls);
        }
        _writable.TrySetResult();
        return peeked == 1;
    }

    private async Task WriteLoopAsync()
    {
        // The send buffer is rented only while there is output to copy, like the receive side: an idle
        // connection holds none (a 64 KiB buffer per connection was most of an idle client's memory).
        byte[]? chunk = null;
        try
        {
            while (true)
            {
                await _signal.WaitAsync().ConfigureAwait(false);
                // A refusal held for the peer's first byte: that byte, or the end of the wait, signals again.
                if (AwaitsFirstByte) continue;
                // Output before the peer said anything (a line-mode prompt, a close) makes the connection plaintext: a
                // TLS client speaks first. Otherwise wait until the TLS handshake is done.
                if (DecideForOutput() != StreamKind.Plaintext) await _writable.Task.ConfigureAwait(false);
                if (Kind == StreamKind.Tls && _tls is null)
                {
                    // The TLS handshake failed: there is nothing to write to.
                    return;
                }
                if (!Outbox.IsEmpty)
                {
                    chunk = ArrayPool<byte>.Shared.Rent(SendBufferBytes);
                    int count;
                    while ((count = Outbox.CopyTo(chunk)) > 0)
                    {
                        if (_tls is not null)
                        {
                            await _tls.WriteAsync(chunk.AsMemory(0, count)).ConfigureAwait(false);
                            continue;
                        }
                        int sent = 0;
                        while (sent < count)
                        {
                            // No token: registering one per send cost more than the send's own bookkeeping; the
                            // close deadline aborts a stuck send by disposing the socket (OnDeadline).
                            sent += await Socket.SendAsync(chunk.AsMemory(sent, count - sent), SocketFlags.None).ConfigureAwait(false);
                        }
                    }
                    ArrayPool<byte>.Shared.Return(chunk);
                    chunk = null;
                }
                if (OutputEnded && Outbox.IsEmpty)
                {
                    if (ShouldShutDownSend)
                    {
                        // TLS says goodbye first (close_notify), so the peer can tell our end from a cut connection.
                        if (_tls is not null) await _tls.ShutdownAsync().ConfigureAwait(false);
                        Socket.Shutdown(SocketShutdown.Send);
                    }
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or IOException)
        {
            Log.SocketError(Context.Logger, Id, exception.Message);
            PeerGone("connection lost");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Failed(exception);
        }
        finally
        {
            if (chunk is not null) ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    protected override void OnOutputQueued() => Wake();

    protected override void OnClosing() => Wake();

    protected override void OnDeadline()
    {
        // The peer is not reading: abort the pending send and receive for certain by closing the socket.
        _signal.Close();
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        Socket.Dispose();
    }

    private void Wake() => _signal.Set();
}
