using System.Net;
using System.Net.Sockets;

namespace TermChat.TestKit.Server;

/// <summary>
/// A wiretap on loopback: a TCP relay between clients and a server that keeps a copy of every byte either side sends,
/// what a passive listener on the network would capture. Tests connect to <see cref="EndPoint"/> instead of the server.
/// </summary>
public sealed class RecordingRelay : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly IPEndPoint _target;
    private readonly MemoryStream _captured = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;

    /// <summary>Starts relaying to <paramref name="target"/>.</summary>
    public RecordingRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Every byte relayed so far, both directions, in arrival order.</summary>
    public byte[] Captured
    {
        get { lock (_captured) return _captured.ToArray(); }
    }

    /// <summary>Whether the capture holds <paramref name="text"/> in UTF-8 anywhere.</summary>
    public bool Contains(string text) => Captured.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
                client.NoDelay = true;
                lock (_pumps)
                {
                    _pumps.Add(PumpAsync(client, server));
                    _pumps.Add(PumpAsync(server, client));
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                lock (_captured) _captured.Write(buffer, 0, read);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /// <summary>Stops relaying and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        Task[] pumps;
        lock (_pumps) pumps = _pumps.ToArray();
        await Task.WhenAll(pumps).ConfigureAwait(false);
        _stop.Dispose();
    }
}
