using System.Buffers;
using System.Net.Sockets;
using TermChat.Server.Connections;

namespace TermChat.Server.Modes.Threads;

/// <summary>
/// A connection served by two dedicated threads: a reader doing blocking receives and a writer that
/// sleeps until output is queued and then sends everything queued in as few blocking sends as possible.
/// A broadcast only queues, so a slow peer never blocks the sender's thread.
/// </summary>
internal sealed class ThreadConnection : TcpLink
{
    private const int StackBytes = 128 * 1024;
    private const int SendBufferBytes = 32 * 1024;

    private readonly SemaphoreSlim _signal = new(0);
    private readonly ManualResetEventSlim _stopWaiting = new();
    private readonly TaskCompletionSource _readerEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ThreadConnection> _finished;
    private Thread? _reader;
    private int _signaled;
    private bool _admitted;

    public ThreadConnection(Socket socket, ServerContext context, Func<TcpLink, IStreamHandler> handler, Action<ThreadConnection> finished)
        : base(socket, context, handler)
    {
        _finished = finished;
    }

    public void Start()
    {
        _admitted = Admit();
        _reader = new Thread(ReadLoop, StackBytes) { IsBackground = true, Name = $"termchat-read-{Id}" };
        var writer = new Thread(WriteLoop, StackBytes) { IsBackground = true, Name = $"termchat-write-{Id}" };
        _reader.Start();
        writer.Start();
    }

    private void ReadLoop()
    {
        using var buffer = new ReceiveBuffer();
        try
        {
            while (true)
            {
                if (buffer.Length == 0)
                {
                    buffer.ReleaseIfEmpty();
                }
                int read = Socket.Receive(buffer.GetMemory().Span, SocketFlags.None);
                if (read == 0)
                {
                    PeerFinished(buffer);
                    return;
                }
                buffer.Advance(read);
                if (IsClosing || !_admitted)
                {
                    buffer.Clear();
                    continue;
                }
                while (ProcessInput(buffer, out var retryAfter) == InputResult.Throttled)
                {
                    // Backpressure: this thread simply stops reading until the bucket refills.
                    if (_stopWaiting.Wait(retryAfter)) return;
                }
            }
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
            _readerEnded.TrySetResult();
            Wake();
        }
    }

    private void WriteLoop()
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(SendBufferBytes);
        try
        {
            while (true)
            {
                _signal.Wait();
                Volatile.Write(ref _signaled, 0);
                int count;
                while ((count = Outbox.CopyTo(chunk)) > 0)
                {
                    int sent = 0;
                    while (sent < count)
                    {
                        sent += Socket.Send(chunk.AsSpan(sent, count - sent), SocketFlags.None);
                    }
                }
                if (OutputEnded && Outbox.IsEmpty)
                {
                    if (ShouldShutDownSend)
                    {
                        Socket.Shutdown(SocketShutdown.Send);
                    }
                    break;
                }
            }
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
            ArrayPool<byte>.Shared.Return(chunk);
        }
        // Let the reader see the peer's close (avoids a reset that could destroy our last frame), then end. The wait
        // is on the server's clock, like the select loop's linger and the drain deadline.
        try
        {
            _readerEnded.Task.WaitAsync(Linger, Clock).Wait();
        }
        catch (AggregateException exception) when (exception.InnerException is TimeoutException)
        {
        }
        _stopWaiting.Set();
        Finish();
        _reader!.Join();
        _finished(this);
    }

    protected override void OnOutputQueued() => Wake();

    protected override void OnClosing() => Wake();

    protected override void OnDeadline()
    {
        // The peer stopped reading: closing the socket fails the blocked send and receive.
        _stopWaiting.Set();
        try
        {
            Socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
        Wake();
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
    }
}
