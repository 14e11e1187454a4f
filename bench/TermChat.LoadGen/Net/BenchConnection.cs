using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace TermChat.LoadGen.Net;

/// <summary>
/// One load-generator socket with its receive buffer. The same buffer serves the handshake and then the
/// receive loop, so bytes that arrive right behind the handshake answer are not lost. Sends take a lock
/// because a publisher thread and the receive loop (answering a server PING) may both write. After
/// <see cref="StartTls"/> every send and receive goes through SslStream instead of the socket: blocking, except for the
/// polling receiver's reads (<see cref="ReceiveTls"/>, <see cref="TryFillTls"/>).
/// </summary>
public sealed class BenchConnection : IDisposable
{
    private readonly Lock _sendLock = new();
    private int _disposed;
    private SslStream? _tls;
    private PolledTlsTransport? _transport;
    private ValueTask<int> _tlsRead;
    private bool _tlsReadPending;

    /// <summary>Wraps a connected socket.</summary>
    public BenchConnection(Socket socket, int bufferBytes = 64 * 1024)
    {
        Socket = socket;
        Buffer = new byte[bufferBytes];
    }

    /// <summary>The socket.</summary>
    public Socket Socket { get; }

    /// <summary>Receive buffer; unread bytes are <c>Buffer[Start..End]</c>.</summary>
    public byte[] Buffer { get; private set; }

    /// <summary>First unread byte.</summary>
    public int Start { get; set; }

    /// <summary>End of received bytes.</summary>
    public int End { get; set; }

    /// <summary>The unread bytes.</summary>
    public ReadOnlySpan<byte> Unread => Buffer.AsSpan(Start, End - Start);

    /// <summary>Opens a TCP connection with Nagle off (the generator batches itself), blocking.</summary>
    /// <remarks>
    /// No socket timeouts and no non-blocking mode, ever: on Linux either one makes .NET run even the
    /// synchronous calls through its epoll engine, whose thread then wakes for every arrival on every
    /// subscriber and takes the generator's core. Handshake timeouts use <see cref="Watchdog"/> instead.
    /// </remarks>
    public static BenchConnection Connect(System.Net.EndPoint endpoint, int bufferBytes)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(endpoint);
            return new BenchConnection(socket, bufferBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Shuts the socket down if it is not disarmed within <paramref name="timeout"/>: a blocked receive
    /// or send then returns, so a silent server cannot hang the generator.
    /// </summary>
    public IDisposable Watchdog(TimeSpan timeout) => new Timer(_ => Abort(), null, timeout, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Runs a TLS 1.3 client handshake on the connected socket (blocking, bounded by the handshake watchdog). Any server
    /// key is accepted: the generator measures servers, it does not trust them.
    /// </summary>
    public void StartTls()
    {
        var transport = new PolledTlsTransport(Socket, Buffer.Length);
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions
        {
            TargetHost = "termchat-bench",
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        });
        _tls = tls;
        _transport = transport;
    }

    /// <summary>Whether the connection runs TLS.</summary>
    public bool IsTls => _tls is not null;

    /// <summary>Shuts the socket down in both directions (from any thread); blocked calls return.</summary>
    public void Abort()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing is blocked on it.
        }
    }

    /// <summary>Sends all of <paramref name="bytes"/> (blocking), serialised with other senders.</summary>
    public void Send(ReadOnlySpan<byte> bytes)
    {
        lock (_sendLock)
        {
            if (_tls is not null)
            {
                _tls.Write(bytes);
                return;
            }
            while (!bytes.IsEmpty)
            {
                int sent = Socket.Send(bytes, SocketFlags.None);
                bytes = bytes[sent..];
            }
        }
    }

    /// <summary>Sends ASCII text (handshake lines).</summary>
    public void SendAscii(string text) => Send(Encoding.ASCII.GetBytes(text));

    /// <summary>Moves unread bytes to the front, making room to receive.</summary>
    public void Compact()
    {
        if (Start == 0) return;
        int unread = End - Start;
        if (unread > 0) Buffer.AsSpan(Start, unread).CopyTo(Buffer);
        Start = 0;
        End = unread;
    }

    /// <summary>Receives more bytes behind <see cref="End"/> (blocking); false when the peer closed.</summary>
    /// <exception cref="InvalidDataException">The buffer is full of one incomplete message.</exception>
    public bool Fill()
    {
        PrepareFill();
        int read = _tls is not null ? _tls.Read(Buffer.AsSpan(End)) : Socket.Receive(Buffer.AsSpan(End), SocketFlags.None);
        End += read;
        return read > 0;
    }

    /// <summary>
    /// For the polling receiver, once the socket polled readable: one receive of ciphertext, without blocking, decrypted
    /// as far as it goes (take it with <see cref="TryFillTls"/>, which also reports the end of the stream).
    /// </summary>
    public void ReceiveTls() => _transport!.Receive();

    /// <summary>
    /// For the polling receiver: moves the next decrypted bytes behind <see cref="End"/>, true if there were any; false
    /// once SslStream waits for more ciphertext (nothing whole is left in it) or, with <paramref name="ended"/>, the
    /// stream ended. Only the polling thread calls it, after the connection's blocking reads are over.
    /// </summary>
    /// <exception cref="InvalidDataException">The buffer is full of one incomplete message.</exception>
    public bool TryFillTls(out bool ended)
    {
        ended = false;
        if (!_tlsReadPending)
        {
            // The read writes behind End while it is pending; the scanner only reads before End, so nothing moves.
            PrepareFill();
            _tlsRead = _tls!.ReadAsync(Buffer.AsMemory(End));
            _tlsReadPending = true;
        }
        if (!_tlsRead.IsCompleted) return false;
        _tlsReadPending = false;
        int read = _tlsRead.GetAwaiter().GetResult();
        End += read;
        ended = read == 0;
        return read > 0;
    }

    /// <summary>Reads one line (LF-terminated, CR stripped) during a handshake.</summary>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    public string ReadLine()
    {
        while (true)
        {
            int newline = Unread.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Unread[..newline];
                if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
                string text = Encoding.UTF8.GetString(line);
                Start += newline + 1;
                return text;
            }
            if (!Fill())
            {
                throw new EndOfStreamException("The server closed the connection during the handshake.");
            }
        }
    }

    private void PrepareFill()
    {
        Compact();
        if (End == Buffer.Length)
        {
            throw new InvalidDataException($"One message is larger than the {Buffer.Length}-byte receive buffer.");
        }
    }

    /// <summary>
    /// Sends <paramref name="goodbye"/>, as a client whose user quits does, and ends the sending side. The goodbye gets
    /// a second: a server that stopped reading gets none.
    /// </summary>
    public void SayGoodbye(ReadOnlySpan<byte> goodbye)
    {
        using var watchdog = Watchdog(TimeSpan.FromSeconds(1));
        try
        {
            Send(goodbye);
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // The server is gone or stopped reading: there is nobody to say goodbye to.
        }
    }

    /// <summary>
    /// After <see cref="SayGoodbye"/>: reads and drops what is still coming until the server closes or
    /// <paramref name="deadline"/> (Stopwatch ticks) passes. Closing with unread bytes would reset the connection, and a
    /// server that meets the reset before it reads the goodbye (a send to the client fails first) ends the link as
    /// dropped and holds the session for a resume.
    /// </summary>
    public void AwaitClose(long deadline)
    {
        try
        {
            while (true)
            {
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0 || !Socket.Poll((int)Math.Min(int.MaxValue, left * 1_000_000 / Stopwatch.Frequency), SelectMode.SelectRead)) return;
                if (Socket.Receive(Buffer, SocketFlags.None) == 0) return;
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Reset or closed: over either way.
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Abort();
        _tls?.Dispose();
        Socket.Dispose();
    }
}
