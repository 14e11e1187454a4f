using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using TermChat.Client.Security;
using TermChat.Protocol.Security;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Transports;

/// <summary>
/// A TCP link: one reader loop that fills a buffer and calls <see cref="FrameDecoder.TryRead(ref ReadOnlySequence{byte}, int, out Message)"/>,
/// and one writer loop fed by a bounded outbox that coalesces queued frames into one send. TCP_NODELAY is on,
/// since the writer already batches. Over TLS (<see cref="TlsMode"/>) both loops use one SslStream; the server's key
/// is checked against the pins (<see cref="KnownServers"/>) during the handshake, and a changed key ends the connect.
/// </summary>
public sealed class TcpTransport : IChatTransport
{
    private const int ReadChunk = 16 * 1024;
    private const int CoalesceBytes = 64 * 1024;

    private readonly TcpTransportOptions _options;
    private readonly Channel<Message> _outbox;
    private readonly Channel<Message> _inbox;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Stream? _stream;
    private SslStream? _tls;
    private ServerKeyCheck? _keyCheck;
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private readonly TaskCompletionSource _closeDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closed;
    private int _disposed;
    private volatile ChatLinkException? _writeFailure;
    // Why the link ended, set before the outbox closes, so a send after the end says why instead of only that it is closed.
    private volatile Exception? _endedBy;

    /// <summary>Creates an unconnected transport.</summary>
    public TcpTransport(TcpTransportOptions options)
    {
        _options = options;
        _outbox = Channel.CreateBounded<Message>(new BoundedChannelOptions(options.OutboxCapacity) { SingleReader = true });
        _inbox = Channel.CreateBounded<Message>(new BoundedChannelOptions(options.InboxCapacity) { SingleWriter = true });
    }

    /// <inheritdoc/>
    public string Name => _tls is null ? "TCP" : "TCP+TLS";

    /// <inheritdoc/>
    public string? Security => _tls is null || _keyCheck is null
        ? null
        : $"{Describe(_tls.SslProtocol)}, {_keyCheck.Describe()}";

    /// <inheritdoc/>
    public ChannelReader<Message> Incoming => _inbox.Reader;

    /// <inheritdoc/>
    public LinkStats Stats => new(null, null);

    /// <inheritdoc/>
    public async Task ConnectAsync(ChatEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(endpoint.Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(endpoint.Host, timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw ChatConnectException.FromSocketError(endpoint, Name, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ChatConnectException.TimedOutAfter(endpoint, _options.ConnectTimeout, e);
        }
        if (addresses.Length == 0)
        {
            throw ChatConnectException.FromSocketError(endpoint, Name, new SocketException((int)SocketError.HostNotFound));
        }

        // Try each address in turn; report the first address's failure unless a later one explains more.
        ChatConnectException? failure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), timeout.Token).ConfigureAwait(false);
                _socket = socket;
                break;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure ??= ChatConnectException.FromSocketError(endpoint, Name, e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw ChatConnectException.TimedOutAfter(endpoint, _options.ConnectTimeout, e);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        if (_socket is null)
        {
            throw failure!;
        }
        _stream = new NetworkStream(_socket, ownsSocket: false);
        if (LinkEncryption.IsOn(_options.Tls, (IPEndPoint)_socket.RemoteEndPoint!))
        {
            await StartTlsAsync(endpoint, timeout.Token, cancellationToken).ConfigureAwait(false);
        }
        _reader = Task.Run(ReadLoopAsync, CancellationToken.None);
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    private async Task StartTlsAsync(ChatEndpoint endpoint, CancellationToken timeout, CancellationToken cancellationToken)
    {
        X509Certificate2 identity;
        try
        {
            identity = _options.Identity.Certificate;
        }
        catch (KeyFileException e)
        {
            _socket!.Dispose();
            throw new ChatConnectException(ConnectFailure.Other, endpoint, e.Message, e);
        }
        try
        {
            (_tls, _keyCheck) = await AuthenticateAsync(_stream!, endpoint, _options, identity, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _socket!.Dispose();
            throw;
        }
        _stream = _tls;
    }

    /// <summary>
    /// The client's TLS handshake over <paramref name="inner"/>: TLS 1.3, the server's key checked against the pins
    /// (pinned on first contact), <paramref name="identity"/> presented when given. Disposes the TLS stream on failure.
    /// </summary>
    /// <exception cref="ChatConnectException">The key changed (<see cref="ConnectFailure.UntrustedKey"/>), the handshake failed or timed out.</exception>
    internal static async Task<(SslStream Tls, ServerKeyCheck Check)> AuthenticateAsync(Stream inner, ChatEndpoint endpoint, TcpTransportOptions options,
        X509Certificate2? identity, CancellationToken timeout, CancellationToken cancellationToken)
    {
        string server = endpoint.ToString();
        ServerKeyCheck? check = null;
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = endpoint.Host,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            // The server's certificate is self-signed: it is trusted by its pinned key, never by an authority.
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null) return false;
                check = options.KnownServers.Check(server, KeyFingerprint.Of(certificate), options.TrustNewKey);
                return check.Status != ServerKeyStatus.Changed;
            },
            LocalCertificateSelectionCallback = (_, _, _, _, _) => identity!,
        };
        try
        {
            await tls.AuthenticateAsClientAsync(authentication, timeout).ConfigureAwait(false);
            return (tls, check!);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            if (check is { Status: ServerKeyStatus.Changed } changed)
            {
                throw new ChatConnectException(ConnectFailure.UntrustedKey, endpoint, changed.Describe(), e);
            }
            if (e is OperationCanceledException)
            {
                if (cancellationToken.IsCancellationRequested) throw;
                throw ChatConnectException.TimedOutAfter(endpoint, options.ConnectTimeout, e);
            }
            throw new ChatConnectException(ConnectFailure.Protocol, endpoint,
                $"the TLS handshake failed ({e.Message}); an older TermChat server without TLS is reached with --plaintext", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(Message message, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw _endedBy is { } reason
                ? new ChatLinkException($"the connection is closed: {reason.Message}", reason)
                : new ChatLinkException("the connection is closed", e);
        }
    }

    /// <inheritdoc/>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            // Wait for the first closer to finish (bounded: it cancels after at most two seconds), so a
            // DisposeAsync racing a CloseAsync cannot dispose _stop while that CloseAsync still cancels it.
            await _closeDone.Task.ConfigureAwait(false);
            return;
        }
        try
        {
            _outbox.Writer.TryComplete();
            try
            {
                // Let the writer flush what is queued (a Bye, typically), but never wait long on a dead peer.
                await _writer.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                if (_tls is not null) await _tls.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                _socket?.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException or SocketException or ObjectDisposedException or IOException)
            {
            }
            finally
            {
                await _stop.CancelAsync().ConfigureAwait(false);
                _socket?.Dispose();
            }
            await DrainAsync().ConfigureAwait(false);
            if (_tls is not null) await _tls.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _closeDone.TrySetResult();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Close (or wait for a close already under way) first: only then are both loops and every closer done with _stop.
        await CloseAsync(CancellationToken.None).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Dispose();
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            await Task.WhenAll(_reader, _writer).ConfigureAwait(false);
        }
        catch
        {
            // The loops record their failure in the inbox; nothing more to report here.
        }
    }

    private async Task ReadLoopAsync()
    {
        var stream = _stream!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        int start = 0;
        int end = 0;
        Exception? failure = null;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    // Compact, or grow when one frame needs more room than the buffer has.
                    int live = end - start;
                    byte[] target = live * 2 > buffer.Length ? ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, live + ReadChunk)) : buffer;
                    Buffer.BlockCopy(buffer, start, target, 0, live);
                    if (!ReferenceEquals(target, buffer))
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = target;
                    }
                    start = 0;
                    end = live;
                }
                int read = await stream.ReadAsync(buffer.AsMemory(end), _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    if (end > start)
                    {
                        failure = new ChatLinkException("the server closed the connection in the middle of a frame");
                    }
                    return;
                }
                end += read;
                var sequence = new ReadOnlySequence<byte>(buffer, start, end - start);
                while (FrameDecoder.TryRead(ref sequence, _options.MaxFrameBytes, out var message))
                {
                    await _inbox.Writer.WriteAsync(message, _stop.Token).ConfigureAwait(false);
                }
                start = end - (int)sequence.Length;
                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        catch (ProtocolException e)
        {
            failure = new ChatLinkException($"the server sent an invalid frame: {e.Message}", e);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && _stop.IsCancellationRequested)
        {
            failure = _writeFailure;
        }
        catch (SocketException e)
        {
            failure = new ChatLinkException(Describe(e), e);
        }
        catch (IOException e)
        {
            // NetworkStream and SslStream wrap the socket's error.
            failure = new ChatLinkException(e.InnerException is SocketException inner ? Describe(inner) : $"network error: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            // A close of our own needs no reason; an end we did not ask for is the server's doing or the network's.
            _endedBy = failure ?? (Volatile.Read(ref _closed) == 1 ? null : new ChatLinkException("the server closed the connection"));
            // A dead reader means a dead link: stop the writer so senders fail fast instead of waiting. The outbox closes
            // before the inbox ends, so whoever has seen the end can no longer queue into the dead link.
            _outbox.Writer.TryComplete();
            _inbox.Writer.TryComplete(failure);
        }
    }

    private async Task WriteLoopAsync()
    {
        var stream = _stream!;
        var reader = _outbox.Reader;
        var pending = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (pending.WrittenCount < CoalesceBytes && reader.TryRead(out var message))
                {
                    FrameEncoder.Write(pending, message);
                }
                await stream.WriteAsync(pending.WrittenMemory, _stop.Token).ConfigureAwait(false);
                pending.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
            // The reader sees the same failure on its side and reports it once.
            _outbox.Writer.TryComplete();
            if ((e as SocketException ?? e.InnerException as SocketException) is { } socketError)
            {
                _writeFailure = new ChatLinkException(Describe(socketError), socketError);
                await _stop.CancelAsync().ConfigureAwait(false);
            }
            else if (e is IOException)
            {
                _writeFailure = new ChatLinkException($"network error: {e.Message}", e);
                await _stop.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private static string Describe(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLS 1.3",
        _ => protocol.ToString(),
    };

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionReset => "the connection was reset by the server",
        SocketError.ConnectionAborted => "the connection was aborted",
        SocketError.TimedOut => "the connection timed out",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown => "the server became unreachable",
        _ => $"network error: {e.Message}",
    };
}
