using System.Net;
using System.Net.Sockets;

namespace TermChat.LoadGen.Tests;

/// <summary>A minimal line relay for tests: whatever one client sends goes to every other client.</summary>
internal sealed class TestLineRelay : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _clients = [];
    private readonly Lock _gate = new();

    public TestLineRelay()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pumps = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(cancellationToken);
                lock (_gate) _clients.Add(client);
                pumps.Add(Task.Run(() => Pump(client), CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
        }
        lock (_gate)
        {
            foreach (var client in _clients) client.Dispose();
        }
        await Task.WhenAll(pumps);
    }

    // Relays whole lines only, so two writers never interleave inside a line.
    private void Pump(Socket client)
    {
        var buffer = new byte[64 * 1024];
        int filled = 0;
        try
        {
            while (true)
            {
                int read = client.Receive(buffer.AsSpan(filled));
                if (read == 0) return;
                filled += read;
                int end = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n') + 1;
                if (end == 0) continue;
                lock (_gate)
                {
                    foreach (var other in _clients)
                    {
                        if (other == client) continue;
                        try
                        {
                            other.Send(buffer.AsSpan(0, end));
                        }
                        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                        {
                            // That client left; the others still get the line.
                        }
                    }
                }
                buffer.AsSpan(end, filled - end).CopyTo(buffer);
                filled -= end;
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _listener.Dispose();
}
