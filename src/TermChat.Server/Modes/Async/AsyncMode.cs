using System.Collections.Concurrent;
using System.Net.Sockets;
using TermChat.Server.Connections;
using TermChat.Server.Datagrams;

namespace TermChat.Server.Modes.Async;

/// <summary>async/await mode: an accept loop per listener, a task pair per connection, and a UDP receive loop and send loop.</summary>
internal sealed class AsyncMode : TcpMode
{
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _acceptLoops = Task.CompletedTask;
    private Task _datagramLoop = Task.CompletedTask;

    public AsyncMode(IReadOnlyList<StreamListener> listeners, DatagramEndpoint? datagrams, ServerContext context) : base(listeners, datagrams, context)
    {
    }

    public override void Start()
    {
        _acceptLoops = Task.WhenAll(Listeners.Select(listener => Task.Run(() => AcceptLoopAsync(listener))));
        if (Datagrams is not null)
        {
            // Not tied to _stop: UDP sessions still need their acknowledgements while the server drains; disposing the
            // endpoint after the drain ends the loop.
            _datagramLoop = Task.Run(() => Datagrams.ReceiveLoopAsync(CancellationToken.None));
            Datagrams.StartSenderLoop();
        }
    }

    public override async Task StopAsync()
    {
        _stop.Cancel();
        CloseListeners();
        await _acceptLoops.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        await StopDatagramsAsync().ConfigureAwait(false);
        await _datagramLoop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(StreamListener listener)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.Socket.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                // Aborted handshakes and fd exhaustion must not end the accept loop.
                Log.AcceptFailed(Context.Logger, exception.Message);
                if (exception.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                }
                continue;
            }
            var connection = new AsyncConnection(socket, Context, listener.Handler);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection.Id] = done.Task;
            _ = RunConnectionAsync(connection, done);
        }
    }

    private async Task RunConnectionAsync(AsyncConnection connection, TaskCompletionSource done)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.LoopFailed(Context.Logger, exception, "async connection");
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
            done.TrySetResult();
        }
    }
}
