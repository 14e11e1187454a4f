using System.Net;
using System.Net.Sockets;
using TermChat.Server.Datagrams;

namespace TermChat.Server.Tests.Udp;

/// <summary>
/// The server's real UDP socket, with a path that can be stalled: once <see cref="Stall"/> is called, a send does not
/// return until <see cref="Release"/>, as a blocking send on a full socket buffer would (loopback never fills one).
/// Whatever thread tries to send is stuck there, so if any thread but the socket's one sender sent, the test sees it.
/// </summary>
internal sealed class StallingWire : IDatagramWire
{
    private readonly SocketDatagramWire _socket;
    private readonly ManualResetEventSlim _released = new(initialState: true);
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stuck;

    public StallingWire(Socket socket) => _socket = new SocketDatagramWire(socket);

    /// <summary>Completes when a send is stuck on the stalled path.</summary>
    public Task Blocked => _blocked.Task;

    /// <summary>Threads that are stuck in a send now.</summary>
    public int Stuck => Volatile.Read(ref _stuck);

    public void Stall() => _released.Reset();

    public void Release() => _released.Set();

    public SocketError TrySendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        WaitForPath();
        return _socket.TrySendTo(datagram, remote);
    }

    public void WaitWritable(TimeSpan timeout) => _released.Wait(timeout);

    public ValueTask<SocketError> SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        WaitForPath();
        return _socket.SendToAsync(datagram, remote);
    }

    private void WaitForPath()
    {
        if (_released.IsSet)
        {
            return;
        }
        Interlocked.Increment(ref _stuck);
        _blocked.TrySetResult();
        _released.Wait();
        Interlocked.Decrement(ref _stuck);
    }
}
