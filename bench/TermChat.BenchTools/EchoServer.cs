using System.Net;
using System.Net.Sockets;

namespace TermChat.BenchTools;

/// <summary>
/// The trivial echo server that ping-pong compares TermChat with: blocking sockets, one thread per
/// connection, every byte written straight back. It is the floor a chat server's round trip cannot beat.
/// </summary>
public sealed class EchoServer : IDisposable
{
    private readonly Socket _listener;
    private int _disposed;

    /// <summary>Listens on <paramref name="endpoint"/> (port 0 picks one).</summary>
    public EchoServer(IPEndPoint endpoint)
    {
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endpoint);
        _listener.Listen(512);
    }

    /// <summary>The bound endpoint.</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Accepts and echoes until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(Dispose);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                client.NoDelay = true;
                new Thread(() => Echo(client)) { IsBackground = true, Name = "echo" }.Start();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static void Echo(Socket client)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = client.Receive(buffer);
                if (read == 0) break;
                int sent = 0;
                while (sent < read) sent += client.Send(buffer.AsSpan(sent, read - sent));
            }
        }
        catch (SocketException)
        {
            // The client went away; nothing to report for an echo.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _listener.Dispose();
    }
}
