using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TermChat.TestKit.Irc;

/// <summary>
/// An IRC client for tests written from the RFC, not from our front end: it sends the bytes it is given and splits
/// what it receives at CR LF, in plaintext or inside TLS 1.3 (<see cref="ConnectTlsAsync"/>). Every wait has a timeout;
/// every line received is kept in <see cref="Received"/>.
/// </summary>
public sealed class IrcPeer : IDisposable
{
    /// <summary>How long a receive waits before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private Stream _stream;
    private readonly List<string> _received = [];
    private readonly List<byte[]> _rawLines = [];
    private byte[] _buffer = new byte[16 * 1024];
    private int _filled;
    private bool _ended;

    private IrcPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>Every line received so far (without CR LF), in order.</summary>
    public IReadOnlyList<string> Received => _received;

    /// <summary>Every line received so far as the bytes that came (CR LF included).</summary>
    public IReadOnlyList<byte[]> RawLines => _rawLines;

    /// <summary>The socket, for tests that misbehave on purpose.</summary>
    public Socket Socket => _socket;

    /// <summary>
    /// Connects to <paramref name="endPoint"/>; a <paramref name="receiveBufferSize"/> set before connecting bounds what the
    /// kernel takes in for a peer that does not read; <paramref name="from"/> is the local address (another loopback
    /// address than 127.0.0.1, say, for a test of address bans).
    /// </summary>
    public static async Task<IrcPeer> ConnectAsync(EndPoint endPoint, int? receiveBufferSize = null, IPAddress? from = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size) socket.ReceiveBufferSize = size;
        if (from is not null) socket.Bind(new IPEndPoint(from, 0));
        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(Timeout).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new IrcPeer(socket);
    }

    /// <summary>
    /// Connects and speaks TLS 1.3, presenting <paramref name="clientCertificate"/> (none when null) and accepting any
    /// server key; <see cref="ServerCertificate"/> says which.
    /// </summary>
    /// <exception cref="AuthenticationException">The TLS handshake failed.</exception>
    public static async Task<IrcPeer> ConnectTlsAsync(EndPoint endPoint, X509Certificate2? clientCertificate = null)
    {
        var peer = await ConnectAsync(endPoint).ConfigureAwait(false);
        try
        {
            var tls = new SslStream(peer._stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "termchat-test",
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    peer.ServerCertificate = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return true;
                },
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
            }).WaitAsync(Timeout).ConfigureAwait(false);
            peer._stream = tls;
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>The server's certificate, once a TLS handshake saw it.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>
    /// Connects and registers as <paramref name="nick"/> (CAP REQ of <paramref name="caps"/> first when given), then
    /// waits for the end of the automatic #lobby join's names (366).
    /// </summary>
    public static async Task<IrcPeer> RegisterAsync(EndPoint endPoint, string nick, string? caps = null)
    {
        var peer = await ConnectAsync(endPoint).ConfigureAwait(false);
        try
        {
            if (caps is not null)
            {
                await peer.SendAsync($"CAP LS 302\r\nCAP REQ :{caps}\r\n").ConfigureAwait(false);
                await peer.ExpectAsync(line => line.Contains(" CAP ") && line.Contains(" ACK ")).ConfigureAwait(false);
            }
            await peer.SendAsync($"NICK {nick}\r\nUSER {nick} 0 * :Test {nick}\r\n" + (caps is null ? "" : "CAP END\r\n")).ConfigureAwait(false);
            await peer.ExpectAsync(line => Numeric(line) == "001").ConfigureAwait(false);
            await peer.ExpectAsync(line => Numeric(line) == "366").ConfigureAwait(false);
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>The numeric or command of a server line (the word after the prefix and tags).</summary>
    public static string Numeric(string line)
    {
        var words = line.Split(' ');
        int i = 0;
        if (i < words.Length && words[i].StartsWith('@')) i++;
        if (i < words.Length && words[i].StartsWith(':')) i++;
        return i < words.Length ? words[i] : "";
    }

    /// <summary>Sends text as UTF-8, exactly as given (line endings included).</summary>
    public Task SendAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends bytes exactly as given.</summary>
    public Task SendBytesAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WaitAsync(Timeout);

    /// <summary>The next line (UTF-8, without CR LF), or null when the server closed the stream.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            int end = _buffer.AsSpan(0, _filled).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                byte[] raw = _buffer.AsSpan(0, end + 2).ToArray();
                _buffer.AsSpan(end + 2, _filled - end - 2).CopyTo(_buffer);
                _filled -= end + 2;
                string line = Encoding.UTF8.GetString(raw, 0, raw.Length - 2);
                _received.Add(line);
                _rawLines.Add(raw);
                return line;
            }
            if (_ended) return null;
            if (_filled == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_filled)).AsTask().WaitAsync(timeout ?? Timeout).ConfigureAwait(false);
            }
            catch (IOException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                read = 0;
            }
            if (read == 0) _ended = true;
            _filled += read;
        }
    }

    /// <summary>Reads until a line matches and returns it.</summary>
    /// <exception cref="InvalidDataException">The stream ended first.</exception>
    public async Task<string> ExpectAsync(Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No matching line; received:\n{string.Join("\n", _received.TakeLast(30))}");
            string? line = await ReadLineAsync(left).ConfigureAwait(false)
                ?? throw new InvalidDataException($"The stream ended first; received:\n{string.Join("\n", _received.TakeLast(30))}");
            if (predicate(line)) return line;
        }
    }

    /// <summary>Reads until a line matches; returns every line read, the match last.</summary>
    public async Task<List<string>> CollectUntilAsync(Func<string, bool> last)
    {
        int start = _received.Count;
        await ExpectAsync(last).ConfigureAwait(false);
        return _received.Skip(start).ToList();
    }

    /// <summary>
    /// Sends a PING with a fresh token and reads up to its PONG: everything the server queued before it has arrived.
    /// Returns the lines read before the PONG.
    /// </summary>
    public async Task<List<string>> BarrierAsync()
    {
        string token = "barrier" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync($"PING {token}\r\n").ConfigureAwait(false);
        var lines = await CollectUntilAsync(line => Numeric(line) == "PONG" && line.EndsWith(token, StringComparison.Ordinal)).ConfigureAwait(false);
        return lines[..^1];
    }

    /// <summary>Every line until the server closes the stream.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync().ConfigureAwait(false) is { } line) lines.Add(line);
        return lines;
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
