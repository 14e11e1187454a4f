using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Session;

// The life of one link: handshake, pump, keepalive, and what happens when it ends.
public sealed partial class ClientSession
{
    /// <summary>
    /// Connects to the server in use; if it cannot be reached, to the next of the cluster's servers, in turn, until
    /// one answers or each has been tried once.
    /// </summary>
    private async Task<(IChatTransport Link, Welcome Welcome)> EstablishAsync(string transportName, CancellationToken cancellationToken)
    {
        int servers = 1 + _options.OtherEndpoints.Count;
        for (int tried = 1; ; tried++)
        {
            try
            {
                return await EstablishWithAsync(transportName, cancellationToken).ConfigureAwait(false);
            }
            catch (ChatConnectException e) when (tried < servers && e.Failure is not ConnectFailure.Rejected)
            {
                Volatile.Write(ref _endpointIndex, (Volatile.Read(ref _endpointIndex) + 1) % servers);
                await EmitAsync(new ConnectionStateEvent(new Connecting(transportName.ToUpperInvariant(), Server)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(IChatTransport Link, Welcome Welcome)> EstablishWithAsync(string transportName, CancellationToken cancellationToken)
    {
        if (!_transports.TryCreate(transportName, out var link))
        {
            throw new ArgumentException($"unknown transport '{transportName}'");
        }
        try
        {
            Welcome welcome;
            while (true)
            {
                try
                {
                    welcome = await HandshakeAsync(link, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (ChatSessionException e) when (e.Code == ErrorCode.BadHandshake && _version > ProtocolLimits.MinVersion)
                {
                    // An older server refuses the version (PROTOCOL.md section 4): it closes, so retry on a new link one
                    // version down (2 lacks moderation, 1 also /search; the welcome's version tells the app).
                    await link.DisposeAsync().ConfigureAwait(false);
                    _version--;
                    link = _transports.TryCreate(transportName, out var again) ? again : throw new ArgumentException($"unknown transport '{transportName}'");
                }
            }
            await ResumeAsync(link, welcome, cancellationToken).ConfigureAwait(false);
            bool switched;
            lock (_gate)
            {
                switched = _switching;
                _transportName = transportName;
                _link = link;
                _switching = false;
                _linkCloseReason = null;
                _linkUp.TrySetResult();
            }
            await EmitAsync(new ConnectionStateEvent(new Connected(link.Name, Server, welcome.Resumed, switched, link.Security)), cancellationToken).ConfigureAwait(false);
            return (link, welcome);
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<Welcome> HandshakeAsync(IChatTransport link, CancellationToken cancellationToken)
    {
        await link.ConnectAsync(CurrentEndpoint, cancellationToken).ConfigureAwait(false);
        Hello hello;
        lock (_gate)
        {
            // Cursors go even without a token: a server that starts a fresh session rejoins those rooms
            // and replays what came after each cursor.
            hello = new Hello(_version, _nick, _token, _rooms.Take(ProtocolLimits.MaxResumeCursors), _options.Password);
        }
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            ChatLinkException? sendFailed = null;
            try
            {
                await link.SendAsync(hello, linked.Token).ConfigureAwait(false);
            }
            catch (ChatLinkException e)
            {
                // A server that refuses at once (plaintext to --require-tls, a ban) may close before the Hello leaves;
                // its Error is waiting below and says why, which "the connection is closed" would not.
                sendFailed = e;
            }
            while (await link.Incoming.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                while (link.Incoming.TryRead(out var message))
                {
                    switch (message)
                    {
                        case Welcome welcome:
                            _keepalive.Touch();
                            await EmitAsync(new ServerMessageEvent(welcome), cancellationToken).ConfigureAwait(false);
                            return welcome;
                        case Error { Code: ErrorCode.ResumeRejected } rejected:
                            // Not fatal: the server starts a fresh session and we rejoin our rooms after the welcome.
                            await EmitAsync(new ServerMessageEvent(rejected), cancellationToken).ConfigureAwait(false);
                            break;
                        case Error error:
                            throw new ChatSessionException(error.Code, Refusal(error));
                        case Ping ping:
                            await SendControlAsync(link, new Pong(ping.Nonce)).ConfigureAwait(false);
                            break;
                        case Bye bye:
                            throw new ChatConnectException(ConnectFailure.Rejected, CurrentEndpoint, $"the server closed the session: {bye.Reason}");
                        default:
                            await EmitAsync(new ServerMessageEvent(message), cancellationToken).ConfigureAwait(false);
                            break;
                    }
                }
            }
            // Completed without a welcome: wake up the failure, if any, through the completion task.
            await link.Incoming.Completion.ConfigureAwait(false);
            if (sendFailed is not null)
            {
                throw sendFailed;
            }
            throw new ChatConnectException(ConnectFailure.Protocol, CurrentEndpoint, "the server closed the connection during the handshake (is it a TermChat server?)");
        }
        catch (ChatLinkException e)
        {
            throw new ChatConnectException(ConnectFailure.Protocol, CurrentEndpoint, $"{e.Message} during the handshake", e);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ChatConnectException(ConnectFailure.Protocol, CurrentEndpoint,
                $"no welcome within {_options.HandshakeTimeout.TotalSeconds:0.#} s (is it a TermChat server?)", e);
        }
    }

    private string Refusal(Error error) => error.Code switch
    {
        ErrorCode.NickInUse => $"the nick '{_nick}' is already in use on {Server}; choose another with --nick",
        ErrorCode.InvalidNick => $"the nick '{_nick}' is not allowed: {error.Text}",
        ErrorCode.BadPassword => $"{Server} refused the password: {error.Text}",
        ErrorCode.Banned => $"{Server} refused the session: {error.Text}",
        ErrorCode.NickOwned => $"the nick '{_nick}' belongs to another key on {Server}: {error.Text}",
        ErrorCode.ServerFull => $"the server {Server} is full: {error.Text}",
        ErrorCode.TooManyConnections => $"too many connections from this address: {error.Text}",
        ErrorCode.EncryptionRequired => $"{Server} accepts only encrypted connections from this address; connect with --tls (and without --plaintext)",
        _ => $"the server refused the session: {error.Text}",
    };

    // After the welcome, before the link is published to senders: resend what the server never
    // acknowledged, then any pending barriers.
    private async Task ResumeAsync(IChatTransport link, Welcome welcome, CancellationToken cancellationToken)
    {
        Message[] resend;
        ulong[] barriers;
        lock (_gate)
        {
            _nick = welcome.Nick;
            _token = welcome.Token;
            _keepalive.Configure(welcome.KeepaliveSeconds);
            resend = _outbox.TakeForResend();
            barriers = _pings.OnNewLink();
        }
        foreach (var message in resend)
        {
            await link.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        foreach (ulong nonce in barriers)
        {
            await link.SendAsync(new Ping(nonce), cancellationToken).ConfigureAwait(false);
        }
        if (resend.Length > 0)
        {
            RequestAck(link);
        }
    }

    private async Task RunAsync(IChatTransport link, CancellationToken lifetime)
    {
        try
        {
            while (true)
            {
                using var linkCts = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
                var keepalive = KeepaliveAsync(link, linkCts);
                string reason = await PumpAsync(link, linkCts.Token).ConfigureAwait(false);
                await linkCts.CancelAsync().ConfigureAwait(false);
                await keepalive.ConfigureAwait(false);
                await link.DisposeAsync().ConfigureAwait(false);

                IChatTransport? replacement = null;
                bool quitting;
                while (true)
                {
                    Task? switching = null;
                    lock (_gate)
                    {
                        if (_switching)
                        {
                            // A transport switch is under way: its outcome decides what comes next.
                            switching = _linkUp.Task;
                        }
                        else if (_link is not null && !ReferenceEquals(_link, link))
                        {
                            // A transport switch installed a new link and closed this one.
                            replacement = _link;
                        }
                        else
                        {
                            _link = null;
                            if (_linkUp.Task.IsCompleted)
                            {
                                _linkUp = NewSignal();
                            }
                        }
                        reason = _linkCloseReason ?? reason;
                        quitting = _quitting;
                    }
                    if (switching is null)
                    {
                        break;
                    }
                    await switching.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
                }
                if (replacement is not null)
                {
                    link = replacement;
                    continue;
                }
                if (quitting)
                {
                    await EmitAsync(new ConnectionStateEvent(new Disconnected(reason)), CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                if (!_options.AutoReconnect)
                {
                    await EmitAsync(new ConnectionStateEvent(new Disconnected(reason)), CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                var next = await ReconnectAsync(reason, lifetime).ConfigureAwait(false);
                if (next is null)
                {
                    return;
                }
                link = next;
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            _events.Writer.TryWrite(new ConnectionStateEvent(new Disconnected("closed")));
        }
        finally
        {
            lock (_gate)
            {
                _quitting = true;
                _linkUp.TrySetException(new ChatLinkException("the session has ended"));
                _pings.FailAll(new ChatLinkException("the session ended before the server confirmed everything sent"));
            }
            _events.Writer.TryComplete();
        }
    }

    private async Task<IChatTransport?> ReconnectAsync(string reason, CancellationToken lifetime)
    {
        for (int attempt = 1; ; attempt++)
        {
            var delay = Backoff(attempt);
            await EmitAsync(new ConnectionStateEvent(new Reconnecting(attempt, delay, reason)), lifetime).ConfigureAwait(false);
            await Task.Delay(delay, _time, lifetime).ConfigureAwait(false);
            string transport;
            lock (_gate)
            {
                transport = _transportName;
            }
            try
            {
                var (link, _) = await EstablishAsync(transport, lifetime).ConfigureAwait(false);
                return link;
            }
            catch (ChatConnectException e) when (e.Failure == ConnectFailure.UntrustedKey)
            {
                // A changed server key is not a network hiccup: retrying cannot fix it, and must not wear the user down.
                await EmitAsync(new ConnectionStateEvent(new Disconnected(e.Reason)), CancellationToken.None).ConfigureAwait(false);
                return null;
            }
            catch (ChatConnectException e)
            {
                reason = e.Reason;
            }
            catch (ChatSessionException e)
            {
                // A ghost of ours may still hold the nick until the server notices; keep trying.
                reason = e.Message;
            }
            if (_options.MaxReconnectAttempts > 0 && attempt >= _options.MaxReconnectAttempts)
            {
                await EmitAsync(new ConnectionStateEvent(new Disconnected($"{reason} (gave up after {attempt} attempts)")), CancellationToken.None).ConfigureAwait(false);
                return null;
            }
        }
    }

    /// <summary>Exponential backoff from the base delay, capped, with ±20% jitter so clients do not return in lockstep.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        double baseMs = _options.ReconnectBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        double capped = Math.Min(baseMs, _options.ReconnectMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * _options.Jitter())));
    }

    private async Task<string> PumpAsync(IChatTransport link, CancellationToken cancellationToken)
    {
        string? reason = null;
        try
        {
            while (await link.Incoming.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (link.Incoming.TryRead(out var message))
                {
                    _keepalive.Touch();
                    if (!Admit(link, message, ref reason))
                    {
                        continue;
                    }
                    await EmitAsync(new ServerMessageEvent(message), cancellationToken).ConfigureAwait(false);
                }
            }
            await link.Incoming.Completion.ConfigureAwait(false);
            return reason ?? "the server closed the connection";
        }
        catch (ChatLinkException e)
        {
            return reason ?? e.Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                return _linkCloseReason ?? reason ?? "the connection was closed";
            }
        }
    }

    // Updates session state for one incoming message; false means the app does not need to see it.
    private bool Admit(IChatTransport link, Message message, ref string? reason)
    {
        switch (message)
        {
            case Ping ping:
                _ = SendControlAsync(link, new Pong(ping.Nonce));
                return false;
            case Pong pong:
                OnPong(link, pong.Nonce);
                return false;
            case RoomMessage m:
                return Accept(m.Room, m.Seq);
            case RoomEvent e:
                return Accept(e.Room, e.Seq);
            case RoomJoined joined:
                lock (_gate)
                {
                    _rooms.OnJoined(joined.Room, joined.LastSeq);
                }
                return true;
            case RoomParted parted:
                lock (_gate)
                {
                    _rooms.OnParted(parted.Room);
                }
                return true;
            case NickChanged changed:
                lock (_gate)
                {
                    _nick = changed.NewNick;
                }
                return true;
            case Bye bye:
                reason = bye.Reason.Length > 0 ? $"the server closed the connection: {bye.Reason}" : "the server closed the connection";
                lock (_gate)
                {
                    // The answer to our own goodbye is not news, nor is the goodbye of a link that a transport switch
                    // replaced: the server moved the session to the new link, which says so ("switched to …").
                    return !_quitting && !_switching && ReferenceEquals(_link, link);
                }
            case Error { Code: ErrorCode.ServerShutdown or ErrorCode.SendQueueExceeded or ErrorCode.IdleTimeout } fatal:
                reason = $"the server closed the connection: {fatal.Text}";
                return true;
            default:
                return true;
        }
    }

    private bool Accept(string room, ulong seq)
    {
        lock (_gate)
        {
            return _rooms.TryAccept(room, seq);
        }
    }

    private void OnPong(IChatTransport link, ulong nonce)
    {
        TaskCompletionSource? barrier;
        bool another;
        lock (_gate)
        {
            if (!_pings.TryAnswer(nonce, out long confirmsUpTo, out barrier, out bool wasConfirm))
            {
                return;
            }
            _outbox.ConfirmUpTo(confirmsUpTo);
            another = wasConfirm && _outbox.Count > 0;
        }
        barrier?.TrySetResult();
        _events.Writer.TryWrite(new LinkStatsEvent(Stats));
        if (another)
        {
            RequestAck(link);
        }
    }

    // One ping at a time acknowledges everything sent before it: the server handles a link's frames in order.
    private void RequestAck(IChatTransport link)
    {
        ulong nonce;
        lock (_gate)
        {
            if (_outbox.Count == 0 || !ReferenceEquals(link, _link) || !_pings.TryStartConfirm(_outbox.Watermark, out nonce))
            {
                return;
            }
        }
        _ = SendControlAsync(link, new Ping(nonce));
    }

    private async Task KeepaliveAsync(IChatTransport link, CancellationTokenSource linkCts)
    {
        var silent = await _keepalive.RunAsync(() => SendControlAsync(link, new Ping(StartKeepalivePing())), linkCts.Token).ConfigureAwait(false);
        if (silent is { } idle)
        {
            lock (_gate)
            {
                _linkCloseReason = $"no answer from the server for {idle.TotalSeconds:0} s";
            }
            await linkCts.CancelAsync().ConfigureAwait(false);
        }
    }

    private ulong StartKeepalivePing()
    {
        lock (_gate)
        {
            return _pings.Start(_outbox.Watermark);
        }
    }

    // Control frames never throw into the caller: a dead link is noticed and reported by the pump.
    private static async Task SendControlAsync(IChatTransport link, Message message)
    {
        try
        {
            await link.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChatLinkException)
        {
        }
    }
}
