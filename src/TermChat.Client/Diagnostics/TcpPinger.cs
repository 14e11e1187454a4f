using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Diagnostics;

/// <summary>
/// Measures TCP round trips with TermChat Ping/Pong. A server answers a Ping sent before Hello with a Pong
/// (PROTOCOL.md, "Handshake"), so no session is created; against a server that insists on Hello first, a
/// short session with a generated nick and no rooms is used instead.
/// </summary>
internal sealed class TcpPinger : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _filled;

    private TcpPinger(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    public static async Task<(TcpPinger Pinger, double ConnectMs)> ConnectAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(timeout);
        long start = Stopwatch.GetTimestamp();
        try
        {
            await socket.ConnectAsync(endPoint, window.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        double connectMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        var options = new TcpTransportOptions();
        if (LinkEncryption.IsOn(options.Tls, endPoint))
        {
            // As join does: TLS to a server that is not on this machine, its key checked against the pins (and pinned
            // on first contact); netcheck presents no user key, it only measures.
            try
            {
                (stream, _) = await TcpTransport.AuthenticateAsync(stream, new ChatEndpoint(endPoint.Address.ToString(), endPoint.Port), options,
                    identity: null, window.Token, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        return (new TcpPinger(socket, stream), connectMs);
    }

    public async Task SendAsync(Message message, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(FrameEncoder.ToArray(message), cancellationToken).ConfigureAwait(false);

    /// <summary>The next frame, or null when the server closed the connection or <paramref name="timeout"/> passed.</summary>
    public async Task<Message?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(timeout);
        while (true)
        {
            if (FrameDecoder.TryRead(_buffer.AsSpan(0, _filled), ProtocolLimits.MaxFrameBytes, out var message, out int consumed))
            {
                _buffer.AsSpan(consumed, _filled - consumed).CopyTo(_buffer);
                _filled -= consumed;
                return message;
            }
            if (_filled == _buffer.Length)
            {
                // A frame larger than the buffer (a long history, say): netcheck has no use for it.
                throw new ProtocolException(ErrorCode.FrameTooLarge, "The server sent a frame larger than netcheck reads.");
            }
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_filled), window.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (IOException e) when (e.InnerException is SocketException socketError)
            {
                // Over TLS the socket's error arrives wrapped; the callers sort socket errors.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(socketError);
                throw;
            }
            if (read == 0)
            {
                return null;
            }
            _filled += read;
        }
    }

    /// <summary>Sends a Ping and waits for its Pong; other frames are skipped. Returns the round trip, or null if lost.</summary>
    public async Task<double?> PingAsync(ulong nonce, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        await SendAsync(new Ping(nonce), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var left = timeout - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                return null;
            }
            var message = await ReceiveAsync(left, cancellationToken).ConfigureAwait(false);
            switch (message)
            {
                case null:
                    return null;
                case Pong pong when pong.Nonce == nonce:
                    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                case Ping ping:
                    await SendAsync(new Pong(ping.Nonce), cancellationToken).ConfigureAwait(false);
                    break;
                case Error { Code: ErrorCode.Flood }:
                    // Flood control delays, it does not drop: the Pong still comes, later.
                    break;
                case Error error:
                    throw new ProtocolException(error.Code, error.Text);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing to say goodbye to.
        }
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
