using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Transports;

/// <summary>
/// A reliable UDP link (PROTOCOL-DATAGRAMS.md): a connected UDP socket driven by a <see cref="ReliableSession"/>.
/// One receive loop feeds datagrams to the engine and delivered frames to <see cref="Incoming"/>; one pump loop moves
/// the bounded outbox into the engine and runs its timers. The engine is not thread-safe, so both take one lock,
/// and only ever for short, non-blocking work.
/// </summary>
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
    public string Name => "UDP";

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
        _session = ReliableSession.CreateClient(datagramOptions, NowMs());
        _receiver = Task.Run(ReceiveLoopAsync, CancellationToken.None);
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

    /// <inheritdoc/>
    public async ValueTask SendAsync(Message message, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new ChatLinkException("the connection is closed", e);
        }
        Wake();
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
                        return;
                    }
                    continue;
                }
                lock (_gate)
                {
                    var session = _session!;
                    session.OnDatagram(buffer.AsSpan(0, received), NowMs());
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
                    _inbox.Writer.TryComplete(failure);
                    _outbox.Writer.TryComplete();
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
        finally
        {
            _opened.TrySetException(failure ?? new ChatLinkException("the connection closed during the handshake"));
            _inbox.Writer.TryComplete(failure);
            // A dead reader means a dead link: stop the outbox so senders fail fast instead of waiting.
            _outbox.Writer.TryComplete();
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
                        _inbox.Writer.TryComplete(failure);
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
