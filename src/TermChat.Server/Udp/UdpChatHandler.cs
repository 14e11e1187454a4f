using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Protocol.Datagrams;
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
    public UdpChatHandler(WireFrontEnd frontEnd, ILogger logger, DatagramOptions? datagramOptions = null)
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
    public void Start(IDatagramSender sender) => _sender = sender;

    /// <inheritdoc/>
    public void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        UdpLink? link;
        bool created = false;
        long now = NowMs();
        lock (_gate)
        {
            _counters.DatagramIn();
            _lastDatagramMs = now;
            // A session whose front-end side is held back by flood control stops taking data, as a full socket buffer would.
            if (DatagramHeader.TryRead(datagram, out var header) && _links.TryGetValue(header.SessionId, out var busy) && busy.InboundBytes > MaxInboundBytes)
            {
                return;
            }
            var route = _router.Route(datagram, remote.Serialize(), now, Spare(), out int replyBytes, out var session);
            switch (route)
            {
                case DatagramRoute.Reply:
                    SendSpare(replyBytes, remote);
                    return;
                case DatagramRoute.SessionCreated:
                    link = new UdpLink(this, session!, remote);
                    _links.Add(session!.SessionId, link);
                    _counters.SessionOpened();
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
            Admit(link);
        }
        Process(link);
        Reap();
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose()
    {
        _timer.Dispose();
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
            SendSpare(length, link.Endpoint);
        }
        Reschedule(link, now);
        NoteIfClosed(link);
    }

    /// <summary>The buffer for the next outgoing datagram. Called under <c>_gate</c>.</summary>
    private byte[] Spare() => _spare ??= ArrayPool<byte>.Shared.Rent(DatagramLimits.MaxDatagramBytes);

    /// <summary>Queues the datagram written into the spare buffer; the buffer now belongs to the sender. Called under <c>_gate</c>.</summary>
    private void SendSpare(int length, IPEndPoint remote)
    {
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
