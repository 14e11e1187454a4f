using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TermChat.TestKit.Wire;

/// <summary>
/// A TCP peer that sends bytes as given and splits what it receives into frames by the 4-byte length
/// alone: no codec on either side, as in a prober written from the spec. Waits have timeouts.
/// </summary>
public sealed class RawPeer : IDisposable
{
    /// <summary>How long a receive waits before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _filled;
    private bool _ended;

    private RawPeer(Socket socket) => _socket = socket;

    /// <summary>The socket, for tests that need to shut down one direction or reset.</summary>
    public Socket Socket => _socket;

    /// <summary>Connects to <paramref name="endPoint"/>.</summary>
    public static async Task<RawPeer> ConnectAsync(EndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(Timeout).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawPeer(socket);
    }

    /// <summary>Sends the bytes of one or more frames in one write.</summary>
    public async Task SendAsync(params byte[][] frames)
    {
        byte[] all = frames.SelectMany(f => f).ToArray();
        int sent = 0;
        while (sent < all.Length)
        {
            sent += await _socket.SendAsync(all.AsMemory(sent), SocketFlags.None).AsTask().WaitAsync(Timeout).ConfigureAwait(false);
        }
    }

    /// <summary>Half-closes: the peer sees the end of our stream but can still send to us.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next whole frame (length prefix included), or null when the stream ended cleanly first.</summary>
    /// <exception cref="InvalidDataException">The stream ended inside a frame.</exception>
    public async Task<byte[]?> ReceiveFrameAsync()
    {
        while (true)
        {
            if (_filled >= 4)
            {
                int total = 4 + BinaryPrimitives.ReadInt32BigEndian(_buffer);
                if (_filled >= total)
                {
                    byte[] frame = _buffer.AsSpan(0, total).ToArray();
                    _buffer.AsSpan(total, _filled - total).CopyTo(_buffer);
                    _filled -= total;
                    return frame;
                }
                if (total > _buffer.Length) Array.Resize(ref _buffer, total);
            }
            if (_ended)
            {
                return _filled == 0 ? null : throw new InvalidDataException($"The stream ended inside a frame: {HandFrames.ToHex(_buffer.AsSpan(0, _filled))}");
            }
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None).AsTask().WaitAsync(Timeout).ConfigureAwait(false);
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset)
            {
                read = 0;
            }
            if (read == 0) _ended = true;
            _filled += read;
        }
    }

    /// <summary>Frames up to and including the first of type <paramref name="type"/> (for a room frame: of that room).</summary>
    /// <exception cref="InvalidDataException">The stream ended first.</exception>
    public async Task<List<byte[]>> ReceiveUntilAsync(byte type, string? room = null)
    {
        var frames = new List<byte[]>();
        while (true)
        {
            var frame = await ReceiveFrameAsync().ConfigureAwait(false)
                ?? throw new InvalidDataException($"The stream ended before a frame of type 0x{type:x2}; got types {Describe(frames)}");
            frames.Add(frame);
            if (frame[4] == type && (room is null || new WireFields(frame).Str() == room)) return frames;
        }
    }

    /// <summary>Every frame until the server closes the stream.</summary>
    public async Task<List<byte[]>> ReceiveToEndAsync()
    {
        var frames = new List<byte[]>();
        while (await ReceiveFrameAsync().ConfigureAwait(false) is { } frame) frames.Add(frame);
        return frames;
    }

    /// <summary>The frames' type bytes, for assertion messages.</summary>
    public static string Describe(IEnumerable<byte[]> frames) => string.Join(" ", frames.Select(f => $"{f[4]:x2}"));

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket.Dispose();
}
