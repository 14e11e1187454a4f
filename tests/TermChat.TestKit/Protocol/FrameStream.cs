using System.Net;
using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.TestKit.Protocol;

/// <summary>
/// A raw protocol peer over any stream, for integration tests that talk to a real server or client
/// frame by frame (including deliberately broken bytes). It uses the production codec, so it accepts
/// exactly what a real peer accepts. Not thread-safe: one test drives it.
/// </summary>
public sealed class FrameStream : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly int _maxFrameBytes;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    /// <summary>Wraps <paramref name="stream"/>; received frames may be up to <paramref name="maxFrameBytes"/>.</summary>
    public FrameStream(Stream stream, int maxFrameBytes = ProtocolLimits.MaxFrameBytes)
    {
        _stream = stream;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <summary>Connects over TCP (no Nagle delay) and wraps the connection.</summary>
    public static async Task<FrameStream> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new FrameStream(new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>Encodes and sends one message.</summary>
    public Task SendAsync(Message message, CancellationToken cancellationToken) =>
        SendRawAsync(FrameEncoder.ToArray(message), cancellationToken);

    /// <summary>Sends bytes exactly as given: partial frames, garbage, several frames at once.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Receives the next message, or <see langword="null"/> when the peer closed cleanly on a frame boundary.
    /// </summary>
    /// <exception cref="ProtocolException">The peer sent an invalid frame, or closed inside one.</exception>
    public async Task<Message?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (FrameDecoder.TryRead(_buffer.AsSpan(_start, _end - _start), _maxFrameBytes, out var message, out int consumed))
            {
                _start += consumed;
                return message;
            }
            MakeRoom();
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                FrameDecoder.ThrowIfTruncated(_buffer.AsSpan(_start, _end - _start));
                return null;
            }
            _end += read;
        }
    }

    /// <summary>Receives the next message and requires it to be a <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">Something else arrived, or the stream ended.</exception>
    public async Task<T> ReceiveAsync<T>(CancellationToken cancellationToken) where T : Message
    {
        var message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        return message as T ?? throw new InvalidDataException($"Expected {typeof(T).Name}, received {message?.ToString() ?? "end of stream"}.");
    }

    /// <summary>Receives messages until one matches <paramref name="predicate"/>, returning it and everything skipped.</summary>
    /// <exception cref="InvalidDataException">The stream ended first.</exception>
    public async Task<(T Match, IReadOnlyList<Message> Skipped)> ReceiveUntilAsync<T>(Func<T, bool> predicate, CancellationToken cancellationToken)
        where T : Message
    {
        var skipped = new List<Message>();
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"The stream ended before a matching {typeof(T).Name}; skipped: {string.Join(", ", skipped)}.");
            if (message is T match && predicate(match))
            {
                return (match, skipped);
            }
            skipped.Add(message);
        }
    }

    /// <summary>
    /// Sends a Ping and waits for its Pong, returning everything that arrived before it: the peer handles
    /// frames in order, so afterwards every earlier frame has been processed (PROTOCOL.md, "Acknowledgement").
    /// </summary>
    public async Task<IReadOnlyList<Message>> SyncAsync(CancellationToken cancellationToken)
    {
        ulong nonce = (ulong)Random.Shared.NextInt64();
        await SendAsync(new Ping(nonce), cancellationToken).ConfigureAwait(false);
        var (_, skipped) = await ReceiveUntilAsync<Pong>(p => p.Nonce == nonce, cancellationToken).ConfigureAwait(false);
        return skipped;
    }

    private void MakeRoom()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
