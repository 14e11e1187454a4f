using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Security;
using TermChat.Server.Datagrams;
using TermChat.Server.Security;
using TermChat.Server.Wire;

namespace TermChat.Server.Udp;

/// <summary>
/// Serves the chat protocol over UDP (PROTOCOL-DATAGRAMS.md) on the server's port, in every mode: the mode runs the
/// receive side in its own style and hands each datagram to <see cref="OnDatagram"/>; this class routes it through
/// the stateless cookie handshake (<see cref="DatagramServer"/>) to the session's <see cref="ReliableSession"/>, and
/// joins each session to the same <see cref="WireFrontEnd"/> as TCP connections through <see cref="UdpLink"/>.
/// </summary>
/// <remarks>
/// <para>The partial files hold one job each: routing datagrams to sessions (here), session timers
/// (<c>.Timers</c>), holding frames flood control refused (<c>.Holding</c>), the bridge to the front end and the reaping of
/// closed sessions (<c>.FrontEnd</c>), and the drain at shutdown (<c>.Drain</c>); <see cref="UdpCounters"/> keeps the
/// figures.</para>
/// <para>Locking: one lock (<c>_gate</c>) guards the router, the engines, the link table, the timer heap and the
/// queue of closed sessions; it is only held for short, non-blocking work and never while calling the front end. The front end
/// calls <see cref="UdpLink.TryEnqueue"/> and <see cref="UdpLink.Close"/> under its own lock, and those take
/// <c>_gate</c>: the order is always front end → gate. Nothing under either lock touches the socket: datagrams are handed
/// to the <see cref="IDatagramSender"/>'s bounded queue, and its one sender writes them.</para>
/// </remarks>
internal sealed partial class UdpChatHandler : IDatagramHandler, IDisposable
{
    /// <summary>Inbound bytes a throttled session may hold before its datagrams are dropped (like a full socket buffer).</summary>
    private const long MaxInboundBytes = 1024 * 1024;

    private readonly WireFrontEnd _frontEnd;
    private readonly ServerOptions _options;
    private readonly ServerStats _stats;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DatagramServer _router;
    private readonly object _gate = new();
    private readonly Dictionary<ulong, UdpLink> _links = [];
    private readonly UdpCounters _counters = new();
    private readonly ServerTls? _tls;
    private readonly ServerDtls? _dtls;
    private readonly DtlsDelivery _openedByDtls;
    private IDatagramSender? _sender;

    /// <summary>
    /// A pooled buffer the next outgoing datagram is written into (by the router or an engine); once written it is
    /// handed to the sender, which returns it to the pool, so no datagram is copied. Guarded by <c>_gate</c>.
    /// </summary>
    private byte[]? _spare;

    /// <summary>Creates the handler for <paramref name="frontEnd"/>; limits, drain time and clock come from the front end's options.</summary>
    /// <param name="frontEnd">The wire front end TCP connections use too.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="datagramOptions">Timers and windows; the protocol defaults if null.</param>
    /// <param name="tls">
    /// The server key and plaintext policy TCP uses: DTLS runs on that key, and plaintext datagrams are accepted only
    /// where the policy allows plaintext. Null: no DTLS, plaintext from everyone (tests of the datagram layer alone).
    /// </param>
    public UdpChatHandler(WireFrontEnd frontEnd, ILogger logger, DatagramOptions? datagramOptions = null, ServerTls? tls = null)
    {
        _frontEnd = frontEnd;
        var options = frontEnd.Options;
        _options = options;
        _stats = frontEnd.Stats;
        _logger = logger;
        _time = options.TimeProvider;
        var sessionOptions = (datagramOptions ?? DatagramOptions.Default) with
        {
            MaxIncomingMessageBytes = options.MaxFrameBytes + ProtocolLimits.LengthPrefixBytes,
            MaxSendQueueBytes = options.MaxSendQueueBytes,
        };
        _router = new DatagramServer(sessionOptions, new CookieProtector(), maxSessions: options.MaxClients);
        _tls = tls;
        _dtls = tls is null ? null : new ServerDtls(tls.Dtls, options.HandshakeTimeout, options.MaxClients, logger, NowMs);
        _openedByDtls = (datagram, association) => Route(datagram, association.Remote, association);
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stats.AddEntrySource(StatEntries);
    }

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
    public void Start(IDatagramSender sender)
    {
        _sender = sender;
        _dtls?.Start(sender);
    }

    /// <summary>DTLS handshakes completed.</summary>
    public long DtlsHandshakes => _dtls?.Handshakes ?? 0;

    /// <inheritdoc/>
    /// <remarks>
    /// The first byte tells a DTLS record (content types 20–25) from a plaintext datagram (marker 0xD1); DTLS records go
    /// through <see cref="ServerDtls"/>, which hands the datagrams it opened back to <see cref="Route"/>.
    /// </remarks>
    public void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        if (datagram.IsEmpty)
        {
            return;
        }
        if (DtlsRecord.IsDtls(datagram[0]))
        {
            lock (_gate)
            {
                _counters.DatagramIn();
            }
            _dtls?.OnRecord(datagram, remote, _openedByDtls);
            return;
        }
        Route(datagram, remote, association: null);
    }

    /// <summary>
    /// One datagram of the reliable layer, from <paramref name="association"/> or in plaintext (null). A session only
    /// takes datagrams that arrive the way it was opened, so plaintext cannot be slipped into an encrypted session.
    /// </summary>
    private void Route(ReadOnlySpan<byte> datagram, IPEndPoint remote, DtlsAssociation? association)
    {
        UdpLink? link;
        bool created = false;
        bool refused = false;
        long now = NowMs();
        lock (_gate)
        {
            if (association is null)
            {
                _counters.DatagramIn();
            }
            _lastDatagramMs = now;
            if (DatagramHeader.TryRead(datagram, out var header) && _links.TryGetValue(header.SessionId, out var known))
            {
                if (!ReferenceEquals(known.Association, association))
                {
                    return;
                }
                // A session whose front-end side is held back by flood control stops taking data, as a full socket buffer would.
                if (known.InboundBytes > MaxInboundBytes)
                {
                    return;
                }
            }
            var route = _router.Route(datagram, remote.Serialize(), now, Spare(), out int replyBytes, out var session);
            switch (route)
            {
                case DatagramRoute.Reply:
                    SendSpare(replyBytes, remote, association);
                    return;
                case DatagramRoute.SessionCreated:
                    link = new UdpLink(this, session!, remote, association);
                    _links.Add(session!.SessionId, link);
                    _counters.SessionOpened();
                    created = true;
                    if (association is not null)
                    {
                        association.Sessions++;
                    }
                    // Plaintext refused (not loopback without --allow-plaintext, or --require-tls): the session is opened
                    // only to carry the reason, as over TCP.
                    refused = association is null && _tls is not null && !_tls.PermitsPlaintext(remote);
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
        if (refused && !link.Closing)
        {
            Log.PlaintextRefused(_logger, link.Id, remote);
            CloseLink(link, ErrorCode.EncryptionRequired,
                "This server accepts only encrypted (DTLS) datagrams from your address; use a TermChat client that speaks DTLS.", discardQueued: true);
        }
        else if (created && !link.Closing)
        {
            Admit(link);
        }
        Process(link);
        Reap();
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        _dtls?.Dispose();
        lock (_gate)
        {
            if (_spare is { } spare)
            {
                _spare = null;
                ArrayPool<byte>.Shared.Return(spare);
            }
        }
    }

    /// <summary>The UDP figures for the server's Stats message.</summary>
    public IEnumerable<StatEntry> StatEntries()
    {
        lock (_gate)
        {
            return _counters.Entries(_links.Values, _router, _sender?.Failed ?? 0);
        }
    }

    private long NowMs() => _time.GetTimestamp() * 1000 / _time.TimestampFrequency;

    /// <summary>
    /// Hands what the engine has ready to the sender, then files the session's next deadline and, if it has
    /// closed, queues it for <see cref="Reap"/>. Called under <c>_gate</c>.
    /// </summary>
    private void Flush(UdpLink link, long now)
    {
        int length;
        while ((length = link.Session.Poll(now, Spare())) > 0)
        {
            SendSpare(length, link.Endpoint, link.Association);
        }
        Reschedule(link, now);
        NoteIfClosed(link);
    }

    /// <summary>The buffer for the next outgoing datagram. Called under <c>_gate</c>.</summary>
    private byte[] Spare() => _spare ??= ArrayPool<byte>.Shared.Rent(DatagramLimits.MaxDatagramBytes);

    /// <summary>
    /// Queues the datagram written into the spare buffer: sealed for <paramref name="association"/> (the spare buffer is
    /// kept for the next datagram), or as it is, when the buffer then belongs to the sender. Called under <c>_gate</c>.
    /// </summary>
    private void SendSpare(int length, IPEndPoint remote, DtlsAssociation? association)
    {
        if (association is not null)
        {
            if (_dtls!.TrySeal(association, _spare.AsSpan(0, length)))
            {
                _counters.DatagramOut();
                return;
            }
            _counters.SendDropped();
            return;
        }
        var buffer = _spare!;
        _spare = null;
        if (_sender is { } sender)
        {
            if (sender.TrySend(buffer, length, remote))
            {
                _counters.DatagramOut();
                return;
            }
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        // The sender's queue is full (or the socket is closing): the datagram is lost as UDP may lose any, and the
        // engine retransmits what the peer does not acknowledge.
        _counters.SendDropped();
        _sendRefused |= _stopping;
        Log.UdpSendDropped(_logger, remote);
    }
}
