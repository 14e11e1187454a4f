using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TermChat.Server.Connections;
using TermChat.Server.Core;

namespace TermChat.Server.Modes.Threads;

/// <summary>
/// A connection served by two dedicated threads: a reader doing blocking receives and a writer that
/// sleeps until output is queued and then sends everything queued in as few blocking sends as possible.
/// A broadcast only queues, so a slow peer never blocks the sender's thread; the writers it queues for are woken
/// once it has queued for all of them (<see cref="HeldWakes"/>), so that each wakes to send more at once. Over TLS
/// the reader runs the blocking handshake and reads, and the writer, once the handshake is done, blocking writes, on
/// the same SslStream.
/// </summary>
internal sealed class ThreadConnection : TcpLink
{
    private const int StackBytes = 128 * 1024;
    private const int SendBufferBytes = 32 * 1024;

    private readonly WriterWake _wake = new();
    private readonly ManualResetEventSlim _stopWaiting = new();
    // Set by the reader once the writer knows where to write: plaintext decided, or the TLS handshake over (either way).
    private readonly ManualResetEventSlim _writable = new();
    private SslStream? _tls;
    private readonly TaskCompletionSource _readerEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ThreadConnection> _finished;
    private Thread? _reader;
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
            if (!StartStream())
            {
                PeerFinished(buffer);
                return;
            }
            while (true)
            {
                if (buffer.Length == 0)
                {
                    buffer.ReleaseIfEmpty();
                }
                int read = _tls is null ? Socket.Receive(buffer.GetMemory().Span, SocketFlags.None) : _tls.Read(buffer.GetMemory().Span);
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
                while (HandleInput(buffer, out var retryAfter) == InputResult.Throttled)
                {
                    // Backpressure: this thread simply stops reading until the bucket refills.
                    if (_stopWaiting.Wait(retryAfter)) return;
                }
            }
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
            _writable.Set();
            _readerEnded.TrySetResult();
            _wake.Set();
        }
    }

    /// <summary>
    /// Hands what was read to the front end as one batch: the writers of everyone it queues output for (a message's
    /// room, several messages when the peer sent several) are woken once, when the batch is done.
    /// </summary>
    private InputResult HandleInput(ReceiveBuffer buffer, out TimeSpan retryAfter)
    {
        HeldWakes.Begin();
        try
        {
            return ProcessInput(buffer, out retryAfter);
        }
        finally
        {
            HeldWakes.End();
        }
    }

    /// <summary>
    /// Waits for the first byte and decides TLS or plaintext; for TLS runs the handshake (blocking: a peer that stalls
    /// in it is cut off by the handshake timeout's close deadline, which disposes the socket). False: the peer closed
    /// before saying anything, or the TLS handshake failed.
    /// </summary>
    private bool StartStream()
    {
        byte[] first = new byte[1];
        int peeked = Socket.Receive(first, SocketFlags.Peek);
        if (Decide(peeked == 1 ? first[0] : -1) == StreamKind.Tls)
        {
            var tls = new SslStream(new NetworkStream(Socket, ownsSocket: false), leaveInnerStreamOpen: false);
            try
            {
                tls.AuthenticateAsServer(TlsOptions());
            }
            catch (Exception exception) when (exception is AuthenticationException or IOException)
            {
                tls.Dispose();
                TlsFailed(exception);
                return false;
            }
            _tls = tls;
            TlsEstablished(tls);
        }
        _writable.Set();
        return peeked == 1;
    }

    private void WriteLoop()
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(SendBufferBytes);
        try
        {
            while (true)
            {
                _wake.Wait();
                // A refusal held for the peer's first byte: that byte, or the end of the wait, signals again.
                if (AwaitsFirstByte) continue;
                // Output before the peer said anything (a line-mode prompt, a close) makes the connection plaintext: a
                // TLS client speaks first. Otherwise wait until the TLS handshake is done.
                if (DecideForOutput() != StreamKind.Plaintext) _writable.Wait();
                if (Kind == StreamKind.Tls && _tls is null)
                {
                    // The TLS handshake failed: there is nothing to write to.
                    break;
                }
                int count;
                while ((count = Outbox.CopyTo(chunk)) > 0)
                {
                    if (_tls is not null)
                    {
                        _tls.Write(chunk, 0, count);
                        continue;
                    }
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
                        // TLS says goodbye first (close_notify), so the peer can tell our end from a cut connection.
                        _tls?.ShutdownAsync().GetAwaiter().GetResult();
                        Socket.Shutdown(SocketShutdown.Send);
                    }
                    break;
                }
            }
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
        _tls?.Dispose();
        _finished(this);
    }

    protected override void OnOutputQueued()
    {
        if (_wake.Mark() && !HeldWakes.TryHold(_wake.PulseAction)) _wake.Pulse();
    }

    protected override void OnClosing() => _wake.Set();

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
        _wake.Set();
    }
}
