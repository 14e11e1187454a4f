using System.Net;
using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.Diagnostics;

/// <summary>
/// A minimal TCP peer for netcheck tests: answers Ping with Pong, either before Hello or, when
/// <c>requireHello</c>, only after a Hello (answering an early Ping with Error HandshakeRequired and closing).
/// </summary>
internal sealed class FakePingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly bool _requireHello;
    private readonly bool _floodNotices;

    public FakePingServer(bool requireHello, bool floodNotices = false)
    {
        _requireHello = requireHello;
        _floodNotices = floodNotices;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public List<string> Nicks { get; } = [];

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                connections.Add(ServeAsync(socket));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[65536];
            int filled = 0;
            bool welcomed = false;
            try
            {
                while (true)
                {
                    int read = await socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    filled += read;
                    while (FrameDecoder.TryRead(buffer.AsSpan(0, filled), ProtocolLimits.MaxFrameBytes, out var message, out int consumed))
                    {
                        buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                        filled -= consumed;
                        switch (message)
                        {
                            case Hello hello:
                                lock (Nicks)
                                {
                                    Nicks.Add(hello.Nick);
                                }
                                welcomed = true;
                                await socket.SendAsync(FrameEncoder.ToArray(new Welcome(1, hello.Nick, ResumeToken.NewRandom(), false, "fake", "async", 30, "")));
                                break;
                            case Ping ping when welcomed || !_requireHello:
                                if (_floodNotices)
                                {
                                    await socket.SendAsync(FrameEncoder.ToArray(new Error(ErrorCode.Flood, "slow down")));
                                }
                                await socket.SendAsync(FrameEncoder.ToArray(new Pong(ping.Nonce)));
                                break;
                            case Ping:
                                await socket.SendAsync(FrameEncoder.ToArray(new Error(ErrorCode.HandshakeRequired, "hello first")));
                                return;
                            case Bye:
                                return;
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
