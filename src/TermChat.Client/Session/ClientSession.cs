using System.Threading.Channels;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Session;

/// <summary>
/// One user's session with a server across links: the handshake, keepalive and RTT, auto-reconnect
/// with exponential backoff and jitter, resume with token and per-room cursors, deduplication by
/// (room, seq), resending of input the server had not acknowledged, and switching transport.
/// </summary>
/// <remarks>
/// Read <see cref="Events"/> from one consumer. It is bounded: a consumer that stops reading stops
/// the session reading the link, and the server's slow-consumer rule applies from there.
/// </remarks>
public sealed partial class ClientSession : IChatSession, IAsyncDisposable
{
    private readonly ClientSessionOptions _options;
    private readonly TransportRegistry _transports;
    private readonly TimeProvider _time;
    private readonly Channel<SessionEvent> _events;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();

    private readonly Keepalive _keepalive;

    // All below guarded by _gate.
    private readonly RoomCursors _rooms = new();
    private readonly UnackedOutbox _outbox = new();
    private readonly PingTracker _pings;
    private string _nick;
    // The version offered in Hello: the newest, until a server refuses it as an older server does.
    private ushort _version = ProtocolLimits.Version;
    private string _transportName;
    private ResumeToken _token = ResumeToken.None;
    private IChatTransport? _link;
    private string? _linkCloseReason;
    private TaskCompletionSource _linkUp = NewSignal();
    private bool _quitting;
    private bool _switching;

    private Task _run = Task.CompletedTask;
    private int _disposed;
    // Which server of the cluster is in use: 0 is the Endpoint, i is OtherEndpoints[i - 1].
    private int _endpointIndex;

    /// <summary>Creates a session; nothing happens until <see cref="ConnectAsync"/>.</summary>
    public ClientSession(ClientSessionOptions options, TransportRegistry transports)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transports);
        if (!transports.Contains(options.Transport))
        {
            throw new ArgumentException($"unknown transport '{options.Transport}'; known: {string.Join(", ", transports.Names)}", nameof(options));
        }
        _options = options;
        _transports = transports;
        _time = options.TimeProvider;
        _nick = options.Nick;
        _transportName = options.Transport.ToLowerInvariant();
        _keepalive = new Keepalive(_time, options.DefaultKeepalive);
        _pings = new PingTracker(_time);
        _events = Channel.CreateBounded<SessionEvent>(new BoundedChannelOptions(options.EventCapacity) { SingleReader = true });
    }

    /// <summary>Everything the app needs to know, in order. Completes when the session ends for good.</summary>
    public ChannelReader<SessionEvent> Events => _events.Reader;

    /// <inheritdoc/>
    public string Nick
    {
        get
        {
            lock (_gate)
            {
                return _nick;
            }
        }
    }

    /// <inheritdoc/>
    public string TransportName
    {
        get
        {
            lock (_gate)
            {
                return _transportName.ToUpperInvariant();
            }
        }
    }

    /// <inheritdoc/>
    public string Server => CurrentEndpoint.ToString();

    /// <summary>The server in use or being tried: <see cref="ClientSessionOptions.Endpoint"/> or one of the others.</summary>
    private ChatEndpoint CurrentEndpoint
    {
        get
        {
            int index = Volatile.Read(ref _endpointIndex);
            return index == 0 ? _options.Endpoint : _options.OtherEndpoints[index - 1];
        }
    }

    /// <summary>RTT (from the transport, or from our pings) and loss (where the transport sees it).</summary>
    public LinkStats Stats
    {
        get
        {
            lock (_gate)
            {
                var own = _link?.Stats ?? default;
                return new LinkStats(own.RttMs ?? _pings.RttMs, own.LossPercent);
            }
        }
    }

    /// <summary>The rooms the session is in, with the highest sequence seen in each.</summary>
    public IReadOnlyList<RoomCursor> Cursors
    {
        get
        {
            lock (_gate)
            {
                return _rooms.Take();
            }
        }
    }

    /// <summary>
    /// Connects for the first time and completes when the server has welcomed us. Failures are not
    /// retried: the caller shows them.
    /// </summary>
    /// <returns>The server's welcome.</returns>
    /// <exception cref="ChatConnectException">No connection could be made.</exception>
    /// <exception cref="ChatSessionException">The server refused the session, for example because the nick is in use.</exception>
    public async Task<Welcome> ConnectAsync(CancellationToken cancellationToken)
    {
        string transport;
        lock (_gate)
        {
            transport = _transportName;
        }
        await EmitAsync(new ConnectionStateEvent(new Connecting(transport.ToUpperInvariant(), Server)), cancellationToken).ConfigureAwait(false);
        string wanted = Nick;
        for (int fallback = 1; ; fallback++)
        {
            try
            {
                var (link, welcome) = await EstablishAsync(transport, cancellationToken).ConfigureAwait(false);
                _run = Task.Run(() => RunAsync(link, _lifetime.Token), CancellationToken.None);
                return welcome;
            }
            catch (ChatSessionException e) when (e.Code is ErrorCode.NickInUse or ErrorCode.NickOwned)
            {
                if (fallback > _options.NickFallbacks)
                {
                    int tried = fallback - 1;
                    throw tried == 0 ? e : new ChatSessionException(e.Code,
                        $"the nick '{wanted}' is already in use on {Server}, as {(tried == 1 ? "is the alternate" : $"are the {tried} alternates")} tried after it; choose another with --nick");
                }
                string inUse = Nick;
                string next = NickAlternates.Nth(wanted, fallback);
                lock (_gate)
                {
                    _nick = next;
                }
                await EmitAsync(new NickFallbackEvent(inUse, next), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        while (true)
        {
            IChatTransport? link;
            Task linkUp;
            long id = 0;
            lock (_gate)
            {
                if (_quitting)
                {
                    throw new ChatLinkException("the session has ended");
                }
                link = _switching ? null : _link;
                linkUp = _linkUp.Task;
                if (link is not null)
                {
                    id = _outbox.Add(message);
                }
            }
            if (link is null)
            {
                // Reconnecting: hold the input until the session is back, in order.
                await linkUp.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            try
            {
                await link.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (ChatLinkException)
            {
                // The link died under us; the message stays unacknowledged and is resent after resume.
                return;
            }
            lock (_gate)
            {
                _outbox.MarkQueued(id);
            }
            RequestAck(link);
            return;
        }
    }

    /// <inheritdoc/>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IChatTransport? link;
        ulong nonce;
        lock (_gate)
        {
            if (_quitting)
            {
                throw new ChatLinkException("the session has ended");
            }
            nonce = _pings.Start(_outbox.Watermark, done);
            link = _switching ? null : _link;
        }
        if (link is not null)
        {
            await SendControlAsync(link, new Ping(nonce)).ConfigureAwait(false);
        }
        // Otherwise the ping is sent when the session is back.
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Make before break: everything sent so far is confirmed over the old link, then the new link
    /// resumes the session with the token and cursors (the server moves the session and drops the
    /// old link itself, so there is no ghost and the rooms see no quit), then the old link is closed.
    /// Input typed meanwhile waits and goes over the new link. If the new link cannot be made, the
    /// old one stays in use and the error is thrown.
    /// </remarks>
    public async Task SwitchTransportAsync(string transport, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        string name = transport.ToLowerInvariant();
        if (!_transports.Contains(name))
        {
            throw new ArgumentException($"the {transport.ToUpperInvariant()} transport is not available; available: {string.Join(", ", _transports.Names.Order())}", nameof(transport));
        }
        IChatTransport? old;
        lock (_gate)
        {
            if (_quitting)
            {
                throw new ChatLinkException("the session has ended");
            }
            if (_switching)
            {
                throw new InvalidOperationException("a transport switch is already in progress");
            }
            old = _link;
            if (name == _transportName && old is not null)
            {
                return;
            }
            if (old is null)
            {
                // Between reconnect attempts: the next attempt simply uses the new transport.
                _transportName = name;
                return;
            }
            _switching = true;
            if (_linkUp.Task.IsCompleted)
            {
                _linkUp = NewSignal();
            }
        }
        try
        {
            using (var settle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                settle.CancelAfter(_options.HandshakeTimeout);
                try
                {
                    await BarrierAsync(old, settle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The old link is too slow to confirm; whatever it did not confirm is resent on the new one.
                }
            }
            await EstablishAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _switching = false;
                if (_link is not null)
                {
                    _linkUp.TrySetResult();
                }
            }
            throw;
        }
        lock (_gate)
        {
            _linkCloseReason = null;
        }
        await old.CloseAsync(cancellationToken).ConfigureAwait(false);
    }

    // A ping on one specific link whose pong confirms everything queued before it.
    private async Task BarrierAsync(IChatTransport link, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ulong nonce;
        lock (_gate)
        {
            nonce = _pings.Start(_outbox.Watermark, done);
        }
        try
        {
            await link.SendAsync(new Ping(nonce), cancellationToken).ConfigureAwait(false);
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _pings.Forget(nonce);
            }
        }
    }

    /// <inheritdoc/>
    public async Task QuitAsync(string reason, CancellationToken cancellationToken)
    {
        IChatTransport? link;
        lock (_gate)
        {
            if (_quitting)
            {
                link = null;
            }
            else
            {
                _quitting = true;
                link = _link;
                _linkCloseReason = "you quit";
            }
        }
        if (link is not null)
        {
            await SendControlAsync(link, new Bye(reason)).ConfigureAwait(false);
            await link.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
        }
        await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the session without a goodbye if <see cref="QuitAsync"/> was not called.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        lock (_gate)
        {
            _quitting = true;
        }
        await _lifetime.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _events.Writer.TryComplete();
        _lifetime.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ValueTask EmitAsync(SessionEvent item, CancellationToken cancellationToken) => _events.Writer.WriteAsync(item, cancellationToken);
}
