using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;
using TermChat.Server.Datagrams;
using TermChat.Server.Wire;

namespace TermChat.Server.Udp;

/// <summary>
/// Serves the chat protocol over UDP (PROTOCOL-DATAGRAMS.md) on the server's port, in every mode: the mode runs the
/// receive side in its own style and hands each datagram to <see cref="OnDatagram"/>; this class routes it through
/// the stateless cookie handshake (<see cref="DatagramServer"/>) to the session's <see cref="ReliableSession"/>, and
/// joins each session to the same <see cref="WireFrontEnd"/> as TCP connections through <see cref="UdpLink"/>.
/// </summary>
/// <remarks>
/// Locking: one lock (<c>_gate</c>) guards the router, the engines and the link table; it is only held for short,
/// non-blocking work and never while calling the hub. The hub calls <see cref="UdpLink.TryEnqueue"/> and
/// <see cref="UdpLink.Close"/> under its own lock, and those take <c>_gate</c>: the order is always hub → gate.
/// Engine timers run on one timer set to the earliest deadline of any session.
/// </remarks>
public sealed class UdpChatHandler : IDatagramHandler, IDisposable
{
    /// <summary>At shutdown, how long a silence means nothing more will be acknowledged.</summary>
    private const long QuietMs = 250;

    /// <summary>Inbound bytes a throttled session may hold before its datagrams are dropped (like a full socket buffer).</summary>
    private const long MaxInboundBytes = 1024 * 1024;

    private readonly WireFrontEnd _hub;
    private readonly ServerOptions _options;
    private readonly ServerStats _stats;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DatagramServer _router;
    private readonly object _gate = new();
    private readonly Dictionary<ulong, UdpLink> _links = [];
    private readonly byte[] _buffer = new byte[DatagramLimits.MaxDatagramBytes];
    private readonly ITimer _timer;
    private IDatagramSender? _sender;
    private long _scheduledMs = long.MaxValue;
    private bool _stopping;
    private bool _sendRefused;
    private long _lastDatagramMs;

    // Totals of sessions that have ended, so the Stats figures do not drop when sessions close.
    private long _closedRetransmits;
    private long _closedLost;
    private long _closedPacketsSent;
    private long _sessionsOpened;
    private long _datagramsIn;
    private long _datagramsOut;
    private long _sendsDropped;

    /// <summary>Creates the handler for <paramref name="hub"/>; limits, drain time and clock come from the hub's options.</summary>
    /// <param name="hub">The hub TCP connections use too.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="datagramOptions">Timers and windows; the protocol defaults if null.</param>
    public UdpChatHandler(WireFrontEnd hub, ILogger logger, DatagramOptions? datagramOptions = null)
    {
        _hub = hub;
        var options = hub.Options;
        _options = options;
        _stats = hub.Stats;
        _logger = logger;
        _time = options.TimeProvider;
        var sessionOptions = (datagramOptions ?? DatagramOptions.Default) with
        {
            MaxIncomingMessageBytes = options.MaxFrameBytes + ProtocolLimits.LengthPrefixBytes,
            MaxSendQueueBytes = options.MaxSendQueueBytes,
        };
        _router = new DatagramServer(sessionOptions, new CookieProtector(), maxSessions: options.MaxClients);
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stats.AddEntrySource(StatEntries);
    }

    /// <summary>The factory <see cref="ChatServer.Create"/> takes, for <c>termchat serve</c> and tests.</summary>
    public static Func<WireFrontEnd, IDatagramHandler> Factory(ILoggerFactory loggerFactory, DatagramOptions? datagramOptions = null) =>
        hub => new UdpChatHandler(hub, loggerFactory.CreateLogger("TermChat.Server.Udp"), datagramOptions);

    /// <summary>Live UDP sessions.</summary>
    public int SessionCount
    {
        get
        {
            lock (_gate)
            {
                return _links.Count;
            }
        }
    }

    /// <inheritdoc/>
    public void Start(IDatagramSender sender) => _sender = sender;

    /// <inheritdoc/>
    public void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        UdpLink? link;
        bool created = false;
        long now = NowMs();
        lock (_gate)
        {
            _datagramsIn++;
            _lastDatagramMs = now;
            // A session whose hub side is held back by flood control stops taking data, as a full socket buffer would.
            if (DatagramHeader.TryRead(datagram, out var header) && _links.TryGetValue(header.SessionId, out var busy) && busy.InboundBytes > MaxInboundBytes)
            {
                return;
            }
            var route = _router.Route(datagram, remote.Serialize(), now, _buffer, out int replyBytes, out var session);
            switch (route)
            {
                case DatagramRoute.Reply:
                    Send(_buffer.AsSpan(0, replyBytes), remote);
                    return;
                case DatagramRoute.SessionCreated:
                    link = new UdpLink(this, session!, remote);
                    _links.Add(session!.SessionId, link);
                    _sessionsOpened++;
                    created = true;
                    if (_stopping)
                    {
                        link.Closing = true;
                        link.Reason = DisconnectReason.Shutdown;
                        link.Detail = "server shutting down";
                        session.Close(CloseCode.Shutdown, flush: false);
                    }
                    break;
                case DatagramRoute.Session:
                    link = _links[session!.SessionId];
                    break;
                default:
                    return;
            }
            while (link.Session.TryReceive(out var message))
            {
                link.Inbound.Enqueue(message);
                link.InboundBytes += message.Length;
            }
            Flush(link, now);
        }
        if (created && !link.Closing)
        {
            // Under the inbound gate, so no frame of this link reaches the hub before the hub knows the link.
            lock (link.InboundGate)
            {
                Log.UdpSessionOpened(_logger, link.Session.SessionId, remote, link.Id);
                _stats.ConnectionOpened();
                link.Admitted = true;
                _hub.TryConnect(link);
            }
        }
        Process(link);
        Reap();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The hub has already asked every session to close. While the socket still works, this waits (at most the drain
    /// time) for them to deliver their final frame, retransmitting as usual, but gives up once the peers have been
    /// silent for a moment and for two retransmission timeouts of any link still waiting for acknowledgements: then
    /// they are gone. Whatever remains gets a Close. In select mode <paramref name="pump"/> moves the datagrams
    /// meanwhile, since the select thread is the one waiting here.
    /// </remarks>
    public void Stop(Action? pump)
    {
        long start = NowMs();
        long deadline = start + (long)_options.ShutdownDrain.TotalMilliseconds;
        lock (_gate)
        {
            _stopping = true;
        }
        using var pause = new ManualResetEventSlim();
        while (true)
        {
            long now = NowMs();
            lock (_gate)
            {
                if (_links.Count == 0 || _sendRefused || now >= deadline || now - Math.Max(_lastDatagramMs, start) > QuietPeriodMs())
                {
                    break;
                }
            }
            pump?.Invoke();
            pause.Wait(10);
            OnTimer();
        }
        lock (_gate)
        {
            foreach (var link in _links.Values)
            {
                link.Session.Close(CloseCode.Shutdown, flush: false);
                Flush(link, NowMs());
            }
        }
        OnTimer();
        Dispose();
    }

    /// <summary>How long peers must be silent before Stop stops waiting for them. Called under <c>_gate</c>.</summary>
    private long QuietPeriodMs()
    {
        // A lost final frame is only resent after the link's RTO; giving up sooner would let the Close overtake it.
        long quiet = QuietMs;
        foreach (var link in _links.Values)
        {
            if (link.Session.HasOutstanding) quiet = Math.Max(quiet, 2L * link.Session.Stats.RtoMs);
        }
        return quiet;
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose() => _timer.Dispose();

    /// <summary>The UDP figures for the server's Stats message.</summary>
    public IEnumerable<StatEntry> StatEntries()
    {
        lock (_gate)
        {
            long retransmits = _closedRetransmits, lost = _closedLost, sent = _closedPacketsSent;
            double srttSum = 0, srttMax = 0, lossSum = 0;
            int measured = 0;
            int live = 0;
            foreach (var link in _links.Values)
            {
                if (!link.Finished)
                {
                    live++;
                }
                var stats = link.Session.Stats;
                retransmits += stats.Retransmits;
                lost += stats.PacketsLost;
                sent += stats.PacketsSent;
                lossSum += stats.LossPercent;
                if (stats.SmoothedRttMs > 0)
                {
                    srttSum += stats.SmoothedRttMs;
                    srttMax = Math.Max(srttMax, stats.SmoothedRttMs);
                    measured++;
                }
            }
            return
            [
                new StatEntry("udp_sessions", live),
                new StatEntry("udp_sessions_total", _sessionsOpened),
                new StatEntry("udp_srtt_avg_ms", measured == 0 ? 0 : (long)Math.Round(srttSum / measured)),
                new StatEntry("udp_srtt_max_ms", (long)Math.Round(srttMax)),
                new StatEntry("udp_loss_avg_pct", _links.Count == 0 ? 0 : (long)Math.Round(lossSum / _links.Count)),
                new StatEntry("udp_packets_out_total", sent),
                new StatEntry("udp_packets_lost_total", lost),
                new StatEntry("udp_retransmits_total", retransmits),
                new StatEntry("udp_datagrams_in_total", _datagramsIn),
                new StatEntry("udp_datagrams_out_total", _datagramsOut),
                new StatEntry("udp_dropped_in_total", _router.Dropped),
                new StatEntry("udp_dropped_out_total", _sendsDropped),
                new StatEntry("udp_handshake_retries_total", _router.RetriesSent),
            ];
        }
    }

    /// <summary>The hub queues a frame (under the hub's lock).</summary>
    internal bool Enqueue(UdpLink link, ReadOnlyMemory<byte> frame)
    {
        bool accepted;
        lock (_gate)
        {
            if (link.Closing || link.Session.State is SessionState.Closed or SessionState.Draining)
            {
                return false;
            }
            accepted = link.Session.TrySend(frame);
            if (accepted)
            {
                _stats.SendQueueDepth(link.Session.QueuedBytes);
                Flush(link, NowMs());
                return true;
            }
        }
        Log.SlowConsumer(_logger, link.Id, link.Remote.ToString() ?? "?", _options.MaxSendQueueBytes);
        CloseLink(link, ErrorCode.SendQueueExceeded,
            $"Your send queue passed {_options.MaxSendQueueBytes} bytes because you stopped reading; disconnecting.", discardQueued: true);
        return false;
    }

    /// <summary>Sends the final Error or Bye after what is queued, then closes the session once it is acknowledged.</summary>
    internal void CloseLink(UdpLink link, ErrorCode? code, string reason, bool discardQueued)
    {
        long now = NowMs();
        lock (_gate)
        {
            if (link.Closing)
            {
                return;
            }
            link.Closing = true;
            link.Reason = DisconnectReasons.For(code);
            link.Detail = code switch
            {
                ErrorCode.SendQueueExceeded => "send queue exceeded",
                ErrorCode.IdleTimeout => "ping timeout",
                _ => reason,
            };
            var session = link.Session;
            if (discardQueued)
            {
                session.DiscardQueued();
            }
            if (session.State is not (SessionState.Closed or SessionState.Draining))
            {
                session.TrySend(FrameEncoder.ToArray(code is { } c ? new Error(c, reason) : new Bye(reason)));
                session.Close(code == ErrorCode.ServerShutdown ? CloseCode.Shutdown : CloseCode.Normal, flush: true);
            }
            // A peer that stops acknowledging cannot hold the session open.
            link.DrainDeadlineMs = now + (long)(discardQueued ? 1000 : _options.ShutdownDrain.TotalMilliseconds);
            Flush(link, now);
            Schedule(Math.Min(link.DrainDeadlineMs, session.NextTimerMs), now);
        }
    }

    private long NowMs() => _time.GetTimestamp() * 1000 / _time.TimestampFrequency;

    /// <summary>Sends what the engine has ready and re-arms the timer. Called under <c>_gate</c>.</summary>
    private void Flush(UdpLink link, long now)
    {
        int length;
        while ((length = link.Session.Poll(now, _buffer)) > 0)
        {
            Send(_buffer.AsSpan(0, length), link.Endpoint);
        }
        Schedule(link.Session.NextTimerMs, now);
    }

    private void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        // The select mode queues sends for its own thread, so each datagram needs its own bytes.
        if (_sender is { } sender && sender.TrySend(datagram.ToArray(), remote))
        {
            _datagramsOut++;
            return;
        }
        _sendsDropped++;
        _sendRefused |= _stopping;
        Log.UdpSendDropped(_logger, remote);
    }

    private void Schedule(long dueMs, long now)
    {
        if (dueMs >= _scheduledMs || _stopping && dueMs == long.MaxValue)
        {
            return;
        }
        _scheduledMs = dueMs;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Max(0, dueMs - now)), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        try
        {
            long now = NowMs();
            List<UdpLink>? retry = null;
            lock (_gate)
            {
                _scheduledMs = long.MaxValue;
                foreach (var link in _links.Values)
                {
                    if (link.Closing && now >= link.DrainDeadlineMs && link.Session.State != SessionState.Closed)
                    {
                        link.Session.Close(CloseCode.Normal, flush: false);
                    }
                    Flush(link, now);
                    if (link.Closing && link.Session.State != SessionState.Closed)
                    {
                        Schedule(link.DrainDeadlineMs, now);
                    }
                    if (link.Inbound.Count > 0 || link.Held is not null)
                    {
                        if (now >= link.RetryAtMs)
                        {
                            (retry ??= []).Add(link);
                        }
                        else
                        {
                            Schedule(link.RetryAtMs, now);
                        }
                    }
                }
            }
            if (retry is not null)
            {
                foreach (var link in retry)
                {
                    Process(link);
                }
            }
            Reap();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.UdpTimerFailed(_logger, exception);
        }
    }

    /// <summary>Hands delivered frames to the hub in order; stops when flood control holds one back.</summary>
    private void Process(UdpLink link)
    {
        lock (link.InboundGate)
        {
            while (link.Admitted)
            {
                var message = link.Held;
                if (message is null)
                {
                    byte[]? bytes;
                    lock (_gate)
                    {
                        if (link.Closing || NowMs() < link.RetryAtMs || !link.Inbound.TryDequeue(out bytes))
                        {
                            return;
                        }
                        link.InboundBytes -= bytes.Length;
                    }
                    if (!TryDecode(link, bytes, out message))
                    {
                        return;
                    }
                    _stats.FrameIn(bytes.Length);
                }
                else
                {
                    lock (_gate)
                    {
                        if (link.Closing || NowMs() < link.RetryAtMs)
                        {
                            return;
                        }
                    }
                }
                if (!_hub.TryHandle(link, message, out var retryAfter))
                {
                    link.Held = message;
                    long now = NowMs();
                    lock (_gate)
                    {
                        link.RetryAtMs = now + Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
                        Schedule(link.RetryAtMs, now);
                    }
                    return;
                }
                link.Held = null;
            }
        }
    }

    private bool TryDecode(UdpLink link, byte[] bytes, out Message message)
    {
        try
        {
            if (FrameDecoder.TryRead(bytes, _options.MaxFrameBytes, out message, out int consumed) && consumed == bytes.Length)
            {
                return true;
            }
            throw new ProtocolException(ErrorCode.MalformedFrame, "A datagram message must be exactly one frame.");
        }
        catch (ProtocolException exception)
        {
            _stats.ProtocolError();
            Log.UdpProtocolViolation(_logger, link.Id, link.Remote, exception.Code, exception.Message);
            CloseLink(link, exception.Code, exception.Message, discardQueued: false);
            message = null!;
            return false;
        }
    }

    /// <summary>
    /// Tells the hub, once per link and outside the lock, about sessions whose engine has closed; forgets them once their
    /// Close linger is over too.
    /// </summary>
    private void Reap()
    {
        List<UdpLink>? finished = null;
        lock (_gate)
        {
            List<UdpLink>? gone = null;
            foreach (var link in _links.Values)
            {
                if (link.Session.State != SessionState.Closed)
                {
                    continue;
                }
                // Like data before a TCP FIN, frames that arrived before the peer closed still reach the hub first
                // (flood control may be holding them); a link the server is closing skips them.
                bool pendingInput = !link.Closing && (link.Inbound.Count > 0 || link.Held is not null);
                if (!link.Finished && !pendingInput)
                {
                    link.Finished = true;
                    (finished ??= []).Add(link);
                    if (!link.Closing)
                    {
                        (link.Reason, link.Detail) = link.Session.CloseReason switch
                        {
                            SessionCloseReason.DeadPeer => (DisconnectReason.IdleTimeout, $"no acknowledgement for {_router.Options.DeadPeerTimeoutMs / 1000} s"),
                            SessionCloseReason.ProtocolViolation => (DisconnectReason.ProtocolError, "datagram protocol violation"),
                            _ => (DisconnectReason.PeerClosed, "connection closed"),
                        };
                    }
                }
                if (link.Finished && link.Session.NextTimerMs == long.MaxValue)
                {
                    (gone ??= []).Add(link);
                }
            }
            if (gone is not null)
            {
                foreach (var link in gone)
                {
                    _links.Remove(link.Session.SessionId);
                    _router.Remove(link.Session.SessionId);
                    var stats = link.Session.Stats;
                    _closedRetransmits += stats.Retransmits;
                    _closedLost += stats.PacketsLost;
                    _closedPacketsSent += stats.PacketsSent;
                }
            }
        }
        if (finished is null)
        {
            return;
        }
        foreach (var link in finished)
        {
            var stats = link.Session.Stats;
            Log.UdpSessionClosed(_logger, link.Session.SessionId, link.Id, link.Session.CloseReason, stats.SmoothedRttMs, stats.Retransmits, stats.PacketsLost);
            if (link.Admitted)
            {
                _hub.Disconnected(link, link.Detail);
                _stats.ConnectionClosed(link.Reason);
                Log.Closed(_logger, link.Id, link.Reason, link.Detail);
            }
        }
    }
}
