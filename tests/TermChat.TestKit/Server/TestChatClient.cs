using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.TestKit.Server;

/// <summary>
/// A raw protocol client for tests: real TCP socket, the shared codec, and receive helpers that wait
/// with timeouts (never sleeps). Everything received is also kept in <see cref="Received"/>. With
/// <see cref="ConnectTlsAsync"/> the frames travel inside TLS 1.3 (SslStream), as a real client's do.
/// </summary>
public sealed class TestChatClient : IAsyncDisposable
{
    /// <summary>The default wait for an expected message; generous because CI machines are busy.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private Stream _stream;
    private readonly Channel<Message> _inbox = Channel.CreateUnbounded<Message>();
    private readonly List<Message> _received = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private ulong _nonce;

    private TestChatClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>The server certificate presented in the TLS handshake; null for plaintext.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>The Welcome of the handshake, when <see cref="ConnectAsync"/> sent a Hello.</summary>
    public Welcome? Welcome { get; private set; }

    /// <summary>The nick granted.</summary>
    public string Nick => Welcome?.Nick ?? "";

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<Message> Received
    {
        get { lock (_received) return _received.ToArray(); }
    }

    /// <summary>Completes when the server closed the connection (end of stream or reset).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Whether server pings are answered with a pong, as every real client does (default true).</summary>
    public bool AnswerPings { get; set; } = true;

    /// <summary>The raw socket, for tests that misbehave on purpose.</summary>
    public Socket Socket => _socket;

    /// <summary>Connects and, when <paramref name="nick"/> is given, sends Hello and waits for Welcome.</summary>
    /// <exception cref="ServerErrorException">The server answered the Hello with an Error.</exception>
    public static async Task<TestChatClient> ConnectAsync(EndPoint endpoint, string? nick, ResumeToken token = default,
        IEnumerable<RoomCursor>? cursors = null, CancellationToken cancellationToken = default)
    {
        var client = await ConnectRawAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return nick is null ? client : await client.GreetAsync(nick, token, cursors, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects over TLS 1.3, presenting <paramref name="clientCertificate"/> (none when null) and accepting any server
    /// key (<see cref="ServerCertificate"/> says which), then, when <paramref name="nick"/> is given, completes the handshake.
    /// </summary>
    /// <exception cref="AuthenticationException">The TLS handshake failed.</exception>
    /// <exception cref="ServerErrorException">The server answered the Hello with an Error.</exception>
    public static async Task<TestChatClient> ConnectTlsAsync(EndPoint endpoint, string? nick, X509Certificate2? clientCertificate = null,
        CancellationToken cancellationToken = default)
    {
        var socket = await OpenAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var client = new TestChatClient(socket);
        try
        {
            var tls = new SslStream(client._stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "termchat-test",
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    client.ServerCertificate = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return true;
                },
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
            }, cancellationToken).WaitAsync(DefaultTimeout, cancellationToken).ConfigureAwait(false);
            client._stream = tls;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        client._reader = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        return nick is null ? client : await client.GreetAsync(nick, default, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects without a handshake.</summary>
    public static async Task<TestChatClient> ConnectRawAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var client = new TestChatClient(await OpenAsync(endpoint, cancellationToken).ConfigureAwait(false));
        client._reader = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        return client;
    }

    private static async Task<Socket> OpenAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).AsTask().WaitAsync(DefaultTimeout, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Hello, then Welcome or the Error refusing it; a refused client is disposed, since the server closes it anyway.
    private async Task<TestChatClient> GreetAsync(string nick, ResumeToken token, IEnumerable<RoomCursor>? cursors, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(new Hello(ProtocolLimits.Version, nick, token, (cursors ?? []).ToArray()), cancellationToken).ConfigureAwait(false);
            var answer = await ExpectAsync(m => m is global::TermChat.Protocol.Messages.Welcome or Error, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (answer is Error error) throw new ServerErrorException(error);
            Welcome = (global::TermChat.Protocol.Messages.Welcome)answer;
            return this;
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends one message.</summary>
    public Task SendAsync(Message message, CancellationToken cancellationToken = default) => SendRawAsync(FrameEncoder.ToArray(message), cancellationToken);

    /// <summary>Sends several messages in one write, as a fast client or a paste would.</summary>
    public Task SendManyAsync(IEnumerable<Message> messages, CancellationToken cancellationToken = default)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var message in messages) FrameEncoder.Write(writer, message);
        return SendRawAsync(writer.WrittenMemory, cancellationToken);
    }

    /// <summary>Sends arbitrary bytes (garbage, truncated or oversized frames).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).AsTask().WaitAsync(DefaultTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Waits for the next message of type <typeparamref name="T"/>, skipping others.</summary>
    public async Task<T> ReceiveAsync<T>(TimeSpan? timeout = null, CancellationToken cancellationToken = default) where T : Message
        => (T)await ExpectAsync(m => m is T, timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Waits for the next message matching <paramref name="predicate"/>, skipping others.</summary>
    /// <exception cref="TimeoutException">Nothing matching arrived in time, or the connection closed first.</exception>
    public async Task<Message> ExpectAsync(Func<Message, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
            {
                while (_inbox.Reader.TryRead(out var message))
                {
                    if (predicate(message)) return message;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No expected message within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s; received so far: {Describe()}");
        }
        throw new TimeoutException($"The connection closed before the expected message; received: {Describe()}");
    }

    /// <summary>Collects every message up to and including the first that matches <paramref name="last"/>.</summary>
    public async Task<List<Message>> CollectUntilAsync(Func<Message, bool> last, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var list = new List<Message>();
        await ExpectAsync(m =>
        {
            list.Add(m);
            return last(m);
        }, timeout, cancellationToken).ConfigureAwait(false);
        return list;
    }

    /// <summary>
    /// Sends a Ping and returns everything received before its Pong: the server handles a connection's
    /// frames in order, so everything it did for earlier frames is in the list.
    /// </summary>
    public async Task<List<Message>> BarrierAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ulong nonce = Interlocked.Increment(ref _nonce) + 0xC0FFEE00;
        await SendAsync(new Ping(nonce), cancellationToken).ConfigureAwait(false);
        var list = await CollectUntilAsync(m => m is Pong pong && pong.Nonce == nonce, timeout, cancellationToken).ConfigureAwait(false);
        list.RemoveAt(list.Count - 1);
        return list;
    }

    /// <summary>Waits until the server closes the connection.</summary>
    public Task WaitClosedAsync(TimeSpan? timeout = null) => _closed.Task.WaitAsync(timeout ?? DefaultTimeout);

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        int filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                int read = await _stream.ReadAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    // Like a real client: the server closed, so close our side too.
                    _socket.Close();
                    break;
                }
                filled += read;
                int offset = 0;
                while (FrameDecoder.TryRead(buffer.AsSpan(offset, filled - offset), ProtocolLimits.MaxFrameBytes, out var message, out int consumed))
                {
                    offset += consumed;
                    lock (_received) _received.Add(message);
                    _inbox.Writer.TryWrite(message);
                    if (message is Ping ping && AnswerPings && ping.Nonce < 0xC0FFEE00)
                    {
                        _ = SendAsync(new Pong(ping.Nonce)).ContinueWith(static _ => { }, TaskScheduler.Default);
                    }
                }
                buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
                filled -= offset;
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException or OperationCanceledException or ProtocolException)
        {
        }
        finally
        {
            _inbox.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }

    private string Describe()
    {
        var all = Received;
        var tail = all.Skip(Math.Max(0, all.Count - 8)).Select(m => m.ToString());
        return $"{all.Count} messages, last: {string.Join(" | ", tail)}";
    }

    /// <summary>Closes the socket and stops the reader.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _reader.ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
