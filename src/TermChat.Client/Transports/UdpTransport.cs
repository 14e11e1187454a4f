using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Org.BouncyCastle.Tls;
using TermChat.Client.Security;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;

namespace TermChat.Client.Transports;

/// <summary>
/// A reliable UDP link (PROTOCOL-DATAGRAMS.md): a connected UDP socket driven by a <see cref="ReliableSession"/>.
/// One receive loop feeds datagrams to the engine and delivered frames to <see cref="Incoming"/>; one pump loop moves
/// the bounded outbox into the engine and runs its timers. The engine is not thread-safe, so both take one lock,
/// and only ever for short, non-blocking work.
/// </summary>
/// <remarks>
/// Over DTLS (<see cref="TlsMode"/>; PROTOCOL-DATAGRAMS.md section 12) BouncyCastle's blocking handshake runs on a thread
/// of its own while the receive loop queues the server's datagrams for it; afterwards the receive loop opens each record
/// under the lock and the engine's datagrams are sealed where they are sent. The server's key is checked against the
/// same pins as TLS.
/// </remarks>
public sealed class UdpTransport : IChatTransport
{
    private readonly UdpTransportOptions _options;
    private readonly Channel<Message> _outbox;
    private readonly Channel<Message> _inbox;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly byte[] _sendBuffer = new byte[DatagramLimits.MaxDatagramBytes];
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ReliableSession? _session;
    private Socket? _socket;
    private Task _receiver = Task.CompletedTask;
    private Task _pump = Task.CompletedTask;
    private int _closed;
    private readonly TaskCompletionSource _closeDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _refused;
    private volatile bool _outboxDone;
    private DtlsChannel? _channel;
    private DtlsTransport? _dtls;
    private ServerKeyCheck? _keyCheck;
    private readonly byte[] _openBuffer = new byte[DtlsRecord.MaxDatagramBytes];
    private readonly object _endGate = new();
    private bool _linkEnded;
    private Exception? _endedBy;

    /// <summary>Creates an unconnected transport with default settings.</summary>
    public UdpTransport()
        : this(new UdpTransportOptions())
    {
    }

    /// <summary>Creates an unconnected transport.</summary>
    public UdpTransport(UdpTransportOptions options)
    {
        _options = options;
        _outbox = Channel.CreateBounded<Message>(new BoundedChannelOptions(options.OutboxCapacity) { SingleReader = true });
        _inbox = Channel.CreateBounded<Message>(new BoundedChannelOptions(options.InboxCapacity) { SingleWriter = true });
    }

    /// <inheritdoc/>
    public string Name => _channel is null ? "UDP" : "UDP+DTLS";

    /// <inheritdoc/>
    public string? Security => _dtls is null || _keyCheck is null ? null : $"DTLS 1.2, {_keyCheck.Describe()}";

    /// <inheritdoc/>
    public ChannelReader<Message> Incoming => _inbox.Reader;

    /// <inheritdoc/>
    public LinkStats Stats
    {
        get
        {
            var stats = DatagramStats;
            return stats is { } s ? new LinkStats(s.HasRttSample ? s.SmoothedRttMs : null, s.LossPercent) : new LinkStats(null, null);
        }
    }

    /// <summary>The full link figures of the datagram layer, or null before connecting.</summary>
    public DatagramStats? DatagramStats
    {
        get
        {
            lock (_gate)
            {
                return _session?.Stats;
            }
        }
    }

    /// <inheritdoc/>
    public async Task ConnectAsync(ChatEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        IPAddress address;
        try
        {
            address = IPAddress.TryParse(endpoint.Host, out var literal)
                ? literal
                : (await Dns.GetHostAddressesAsync(endpoint.Host, timeout.Token).ConfigureAwait(false)).FirstOrDefault()
                  ?? throw new SocketException((int)SocketError.HostNotFound);
        }
        catch (SocketException e)
        {
            throw ChatConnectException.FromSocketError(endpoint, Name, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ChatConnectException.TimedOutAfter(endpoint, _options.ConnectTimeout, e);
        }

        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // A connected UDP socket only hears from the server, and learns of "port unreachable" as a reset.
            socket.Connect(new IPEndPoint(address, endpoint.Port));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw ChatConnectException.FromSocketError(endpoint, Name, e);
        }
        _socket = socket;
        var datagramOptions = _options.Datagrams with { MaxIncomingMessageBytes = _options.MaxFrameBytes + ProtocolLimits.LengthPrefixBytes };
        // The same decision as TCP's TLS: DTLS to every address that is not loopback unless --plaintext.
        if (LinkEncryption.IsOn(_options.Tls, new IPEndPoint(address, endpoint.Port)))
        {
            _channel = new DtlsChannel(SendRaw, firstSequence: 0);
            _receiver = Task.Run(ReceiveLoopAsync, CancellationToken.None);
            DtlsTransport dtls;
            try
            {
                dtls = await HandshakeAsync(endpoint, timeout.Token, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await CloseAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            lock (_gate)
            {
                _session = ReliableSession.CreateClient(datagramOptions, NowMs());
                _channel.NonBlocking = true;
                _dtls = dtls;
                // The server's first records may have arrived while the handshake thread was finishing.
                OpenQueued(_session);
                Flush(_session);
            }
            // The datagram layer's own handshake follows, with a full allowance of its own: on a lossy link the DTLS
            // handshake (several round trips, resent at 0.5, 1, 2, 4 s) may have used most of the first one.
            timeout.CancelAfter(_options.ConnectTimeout);
        }
        else
        {
            _session = ReliableSession.CreateClient(datagramOptions, NowMs());
            _receiver = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        }
        _pump = Task.Run(PumpLoopAsync, CancellationToken.None);

        try
        {
            await _opened.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            await CloseAsync(CancellationToken.None).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw ChatConnectException.TimedOutAfter(endpoint, _options.ConnectTimeout, e);
        }
        catch (Exception)
        {
            await CloseAsync(CancellationToken.None).ConfigureAwait(false);
            if (_refused)
            {
                throw ChatConnectException.FromSocketError(endpoint, Name, new SocketException((int)SocketError.ConnectionRefused));
            }
            throw ChatConnectException.TimedOutAfter(endpoint, _options.ConnectTimeout);
        }
    }

    /// <summary>
    /// The DTLS handshake, on a thread of its own because BouncyCastle's blocks; the receive loop feeds it. A changed
    /// server key, a refused port or a failed handshake ends the connect; nothing falls back to plaintext.
    /// </summary>
    private async Task<DtlsTransport> HandshakeAsync(ChatEndpoint endpoint, CancellationToken timeout, CancellationToken cancellationToken)
    {
        DtlsCredentials identity;
        try
        {
            identity = new DtlsCredentials(_options.Identity.Certificate);
        }
        catch (KeyFileException e)
        {
            throw new ChatConnectException(ConnectFailure.Other, endpoint, e.Message, e);
        }
        string server = endpoint.ToString();
        ServerKeyCheck? check = null;
        var peer = new DtlsClientPeer(DtlsCredentials.NewCrypto(), identity, fingerprint =>
        {
            check = _options.KnownServers.Check(server, fingerprint, _options.TrustNewKey);
            return check.Status != ServerKeyStatus.Changed;
        }, _options.ConnectTimeout);
        var channel = _channel!;
        var handshake = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(peer, channel),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            var dtls = await handshake.WaitAsync(timeout).ConfigureAwait(false);
            _keyCheck = check;
            return dtls;
        }
        catch (OperationCanceledException e)
        {
            // Closing the channel ends the handshake thread's wait at once.
            channel.Close();
            if (cancellationToken.IsCancellationRequested) throw;
            throw ChatConnectException.DtlsTimedOutAfter(endpoint, _options.ConnectTimeout, channel.HeardFromPeer, e);
        }
        catch (Exception e) when (e is IOException or TlsException or InvalidOperationException)
        {
            if (check is { Status: ServerKeyStatus.Changed } changed)
            {
                throw new ChatConnectException(ConnectFailure.UntrustedKey, endpoint, changed.Describe(), e);
            }
            if (_refused)
            {
                throw ChatConnectException.FromSocketError(endpoint, Name, new SocketException((int)SocketError.ConnectionRefused));
            }
            throw new ChatConnectException(ConnectFailure.Protocol, endpoint,
                $"the DTLS handshake failed ({e.Message}); an older TermChat server without DTLS is reached with --plaintext", e);
        }
    }

    /// <summary>Sends one datagram as it is (a DTLS record); a datagram that cannot leave is lost, as any may be.</summary>
    private void SendRaw(ReadOnlySpan<byte> datagram)
    {
        try
        {
            _socket!.Send(datagram, SocketFlags.None);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            // The kernel reports an earlier ICMP "port unreachable" on whichever call comes next.
            if (!_opened.Task.IsCompleted)
            {
                _refused = true;
                _opened.TrySetException(e);
                _channel?.Close();
            }
        }
        catch (SocketException)
        {
            // Buffer full or no route: a lost datagram; DTLS and the engine retransmit.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Opens every queued DTLS record into the engine. Called under the lock.</summary>
    private void OpenQueued(ReliableSession session)
    {
        int length;
        while ((length = _channel!.OpenNext(_dtls!, _openBuffer)) >= 0)
        {
            session.OnDatagram(_openBuffer.AsSpan(0, length), NowMs());
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
            throw ClosedLinkError(e);
        }
        Wake();
    }

    /// <summary>
    /// The error for a send on a link that has ended: why it ended (the failure the inbox completed with) when the link
    /// failed, so the user reads "the server stopped answering …" rather than only that it is closed.
    /// </summary>
    private ChatLinkException ClosedLinkError(ChannelClosedException closed)
    {
        Exception? reason;
        lock (_endGate)
        {
            reason = _endedBy;
        }
        return reason is null
            ? new ChatLinkException("the connection is closed", closed)
            : new ChatLinkException($"the connection is closed: {reason.Message}", reason);
    }

    /// <summary>
    /// The link has ended, by <paramref name="failure"/> (null: in order). The first caller's reason is the one kept. The
    /// outbox is closed before the inbox ends, so a reader who has seen the end can no longer send into a dead link.
    /// </summary>
    private void EndLink(Exception? failure)
    {
        lock (_endGate)
        {
            if (!_linkEnded)
            {
                _linkEnded = true;
                _endedBy = failure;
            }
            _outbox.Writer.TryComplete();
            _inbox.Writer.TryComplete(_endedBy);
        }
    }

    /// <inheritdoc/>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            // A second caller (Dispose racing a quit) waits for the first close, so nothing is disposed under it.
            await _closeDone.Task.ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
            return;
        }
        _outbox.Writer.TryComplete();
        Wake();
        try
        {
            // The pump hands the rest of the outbox to the engine, which delivers it and then sends Close;
            // never wait long on a dead peer.
            await _pump.WaitAsync(_options.CloseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }
        finally
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _socket?.Dispose();
            _closeDone.TrySetResult();
        }
        await DrainAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }

    private static long NowMs() => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            await Task.WhenAll(_receiver, _pump).ConfigureAwait(false);
        }
        catch
        {
            // The loops record their failure in the inbox; nothing more to report here.
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var socket = _socket!;
        var buffer = new byte[2048];
        var delivered = new List<byte[]>();
        Exception? failure = null;
        bool ended = false;
        try
        {
            while (true)
            {
                int received;
                try
                {
                    received = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
                {
                    // ICMP port unreachable: nothing listens there (yet). Before the handshake that is "refused";
                    // afterwards it may be a restarting server, so let the engine's timers decide.
                    if (!_opened.Task.IsCompleted)
                    {
                        _refused = true;
                        _opened.TrySetException(e);
                        _channel?.Close();
                        return;
                    }
                    continue;
                }
                lock (_gate)
                {
                    if (_channel is { } channel)
                    {
                        // Only DTLS records count on a DTLS link: a plaintext datagram is dropped, never believed.
                        if (received == 0 || !DtlsRecord.IsDtls(buffer[0]) || !channel.Offer(buffer.AsSpan(0, received)) || _dtls is null)
                        {
                            continue;
                        }
                    }
                    var session = _session!;
                    if (_channel is null)
                    {
                        session.OnDatagram(buffer.AsSpan(0, received), NowMs());
                    }
                    else
                    {
                        OpenQueued(session);
                    }
                    while (session.TryReceive(out var message))
                    {
                        delivered.Add(message);
                    }
                    Flush(session);
                }
                foreach (var bytes in delivered)
                {
                    if (!FrameDecoder.TryRead(bytes, _options.MaxFrameBytes, out var message, out int consumed) || consumed != bytes.Length)
                    {
                        throw new ProtocolException(ErrorCode.MalformedFrame, "A datagram message is not exactly one frame.");
                    }
                    await _inbox.Writer.WriteAsync(message, _stop.Token).ConfigureAwait(false);
                }
                delivered.Clear();
                Wake();
                if (!ended && SessionEnded(out failure))
                {
                    // The reader sees the end now; the socket keeps answering the peer during the engine's Close linger
                    // until the pump finishes.
                    ended = true;
                    EndLink(failure);
                }
            }
        }
        catch (ProtocolException e)
        {
            failure = new ChatLinkException($"the server sent an invalid frame: {e.Message}", e);
            lock (_gate)
            {
                _session!.Close(CloseCode.ProtocolViolation, flush: false);
                Flush(_session);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && _stop.IsCancellationRequested)
        {
            failure = null;
        }
        catch (SocketException e)
        {
            failure = new ChatLinkException($"network error: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or TlsException)
        {
            // A fatal DTLS alert, or a record the association cannot take: the encrypted link is over.
            failure = new ChatLinkException($"the DTLS association failed: {e.Message}", e);
        }
        finally
        {
            _opened.TrySetException(failure ?? new ChatLinkException("the connection closed during the handshake"));
            // A dead reader means a dead link: stop the outbox so senders fail fast instead of waiting.
            EndLink(failure);
            Wake();
        }
    }

    /// <summary>Whether the engine has finished; <paramref name="failure"/> says how, null for an orderly close.</summary>
    private bool SessionEnded(out Exception? failure)
    {
        failure = null;
        SessionState state;
        SessionCloseReason reason;
        CloseCode peerCode;
        lock (_gate)
        {
            state = _session!.State;
            reason = _session.CloseReason;
            peerCode = _session.PeerCloseCode;
            if (state == SessionState.Open)
            {
                _opened.TrySetResult();
            }
        }
        if (state != SessionState.Closed)
        {
            return false;
        }
        failure = reason switch
        {
            SessionCloseReason.DeadPeer => new ChatLinkException($"the server stopped answering (nothing acknowledged for {_options.Datagrams.DeadPeerTimeoutMs / 1000} s)"),
            SessionCloseReason.HandshakeTimeout => new ChatLinkException("the server did not answer the UDP handshake"),
            SessionCloseReason.ProtocolViolation => new ChatLinkException("the server broke the datagram protocol"),
            SessionCloseReason.PeerClosed when peerCode is CloseCode.ProtocolViolation => new ChatLinkException("the server closed the session: protocol violation"),
            SessionCloseReason.PeerClosed when peerCode is CloseCode.Timeout => new ChatLinkException("the server timed out the session"),
            _ => null,
        };
        return true;
    }

    private async Task PumpLoopAsync()
    {
        try
        {
            while (true)
            {
                long waitMs;
                bool ended;
                lock (_gate)
                {
                    var session = _session!;
                    MoveOutbox(session);
                    if (_outboxDone && session.State is SessionState.Open or SessionState.Handshaking or SessionState.Connecting)
                    {
                        session.Close(CloseCode.Normal, flush: true);
                    }
                    Flush(session);
                    if (session.State == SessionState.Open)
                    {
                        _opened.TrySetResult();
                    }
                    ended = session.State == SessionState.Closed && session.NextTimerMs == long.MaxValue;
                    long next = session.NextTimerMs;
                    waitMs = next == long.MaxValue ? Timeout.Infinite : Math.Clamp(next - NowMs(), 0, int.MaxValue);
                }
                if (ended)
                {
                    if (SessionEnded(out var failure))
                    {
                        EndLink(failure);
                        _opened.TrySetException(failure ?? new ChatLinkException("the connection closed during the handshake"));
                    }
                    await _stop.CancelAsync().ConfigureAwait(false);
                    return;
                }
                if (waitMs > 0)
                {
                    await _wake.WaitAsync((int)Math.Min(waitMs, int.MaxValue), _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Moves messages from the outbox into the engine while it has room (back-pressure on senders).</summary>
    private void MoveOutbox(ReliableSession session)
    {
        if (session.State is SessionState.Draining or SessionState.Closed)
        {
            return;
        }
        while (session.QueuedBytes < _options.MaxQueuedBytes && _outbox.Reader.TryRead(out var message))
        {
            session.TrySend(FrameEncoder.ToArray(message));
        }
        if (_outbox.Reader.Completion.IsCompleted)
        {
            _outboxDone = true;
        }
    }

    /// <summary>Sends every datagram the engine has ready. Called under the lock; UDP sends do not block.</summary>
    private void Flush(ReliableSession session)
    {
        int length;
        while ((length = session.Poll(NowMs(), _sendBuffer)) > 0)
        {
            if (_dtls is { } dtls)
            {
                try
                {
                    // Sealed and sent (through SendRaw) in one call.
                    dtls.Send(_sendBuffer, 0, length);
                }
                catch (Exception e) when (e is IOException or TlsException)
                {
                    // The association failed (a fatal alert): the engine's timers end the session.
                }
                continue;
            }
            try
            {
                _socket!.Send(_sendBuffer.AsSpan(0, length), SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // The kernel reports an earlier ICMP "port unreachable" on whichever call comes next.
                if (!_opened.Task.IsCompleted)
                {
                    _refused = true;
                    _opened.TrySetException(e);
                }
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                // A datagram that cannot leave is a lost datagram; the engine retransmits.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }
}
