using System.Buffers;
using System.Net.Sockets;
using TermChat.Server.Connections;

namespace TermChat.Server.Modes.Async;

/// <summary>
/// A connection served with async/await: a read loop that waits with a zero-byte read before renting a
/// buffer, and one writer task that coalesces every queued frame into as few sends as possible.
/// </summary>
internal sealed class AsyncConnection : TcpLink
{
    private const int SendBufferBytes = 64 * 1024;
    private readonly WriterSignal _signal = new();
    private readonly CancellationTokenSource _abort = new();

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
    }

    private async Task ReadLoopAsync(bool admitted)
    {
        using var buffer = new ReceiveBuffer();
        var token = _abort.Token;
        try
        {
            while (true)
            {
                if (buffer.Length == 0)
                {
                    // Idle connections hold no receive buffer: wait for data with a zero-byte read first.
                    buffer.ReleaseIfEmpty();
                    await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, token).ConfigureAwait(false);
                }
                int read = await Socket.ReceiveAsync(buffer.GetMemory(), SocketFlags.None, token).ConfigureAwait(false);
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
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
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
            Wake();
        }
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
                if (!Outbox.IsEmpty)
                {
                    chunk = ArrayPool<byte>.Shared.Rent(SendBufferBytes);
                    int count;
                    while ((count = Outbox.CopyTo(chunk)) > 0)
                    {
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
                        Socket.Shutdown(SocketShutdown.Send);
                    }
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
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
