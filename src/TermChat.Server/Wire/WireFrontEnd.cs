using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Server.Core;
using TermChat.Server.Limits;

namespace TermChat.Server.Wire;

/// <summary>
/// The TermChat wire front end, shared by every mode and by reliable UDP: admits connections (caps per server and
/// per address), holds each one's flood bucket, keepalive and handshake timer, and translates decoded frames into
/// the <see cref="ChatCore"/>'s commands. The core's events come back through each connection's
/// <see cref="LinkState"/>, which turns them into frames.
/// </summary>
/// <remarks>
/// A transport calls <see cref="TryConnect"/> once per new connection, <see cref="TryHandle"/> for each decoded frame
/// strictly in arrival order, and <see cref="Disconnected"/> exactly once when the connection has ended. Something
/// calls <see cref="Sweep"/> about once a second (the <see cref="ChatServer"/> does) to run timeouts, keepalive pings
/// and resume expiry. One lock guards the connection table and is held across the core's commands (the core's own
/// lock nests inside it, never the other way round), so a registration and its connection's end cannot interleave.
/// </remarks>
internal sealed class WireFrontEnd
{
    private static long s_nextLinkId;

    private readonly object _gate = new();
    private readonly ServerOptions _options;
    private readonly ServerStats _stats;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChatCore _core;
    private readonly Dictionary<long, LinkState> _links = [];
    private readonly ConnectionCaps _caps;
    private bool _shuttingDown;
    private ulong _pingNonce;

    /// <param name="core">The chat.</param>
    /// <param name="options">Limits and the clock.</param>
    /// <param name="stats">Shared counters.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="caps">The admission caps shared with the server's other front ends; null: caps of its own.</param>
    internal WireFrontEnd(ChatCore core, ServerOptions options, ServerStats stats, ILogger logger, ConnectionCaps? caps = null)
    {
        _core = core;
        _caps = caps ?? new ConnectionCaps(options);
        _options = options;
        _stats = stats;
        _time = options.TimeProvider;
        _logger = logger;
        ModeName = options.Mode.ToString().ToLowerInvariant();
    }

    /// <summary>The mode name reported in Welcome and Stats.</summary>
    public string ModeName { get; }

    /// <summary>The chat core the front end feeds.</summary>
    internal ChatCore Core => _core;

    /// <summary>The shared counters.</summary>
    public ServerStats Stats => _stats;

    /// <summary>The server's settings (limits, clock) for transports that live outside this assembly, such as UDP.</summary>
    public ServerOptions Options => _options;

    /// <summary>Returns a fresh process-wide connection id for an <see cref="IClientLink"/>.</summary>
    public static long NextLinkId() => Interlocked.Increment(ref s_nextLinkId);

    /// <summary>Open connections known to the front end.</summary>
    public int ConnectionCount
    {
        get { lock (_gate) return _links.Count; }
    }

    /// <summary>
    /// Admits a new connection, or refuses it (server full, too many from its address, shutting down) by
    /// calling <see cref="IClientLink.Close"/> with the reason and returning <see langword="false"/>.
    /// </summary>
    public bool TryConnect(IClientLink link)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                link.Close(ErrorCode.ServerShutdown, "server shutting down");
                return false;
            }
            if (!_caps.TryAdmit(link, _logger, out var address)) return false;
            long now = _time.GetTimestamp();
            _links[link.Id] = new LinkState(this, link, address, now, new FloodGate(_options, now));
            return true;
        }
    }

    /// <summary>
    /// Handles one decoded frame from <paramref name="link"/>. Returns <see langword="false"/> when flood
    /// control holds the frame back: the caller must stop reading from this connection, wait
    /// <paramref name="retryAfter"/> and offer the same frame again (backpressure; nothing is dropped).
    /// </summary>
    public bool TryHandle(IClientLink link, Message message, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (_gate)
        {
            if (!_links.TryGetValue(link.Id, out var state) || state.Closing)
            {
                return true;
            }
            if (!state.Hold.TryRelease(out retryAfter, out bool reoffered)) return false;
            long now = _time.GetTimestamp();
            state.LastHeard = now;
            state.PingOutstanding = false;
            if (message is not Pong && !reoffered && !state.Flood.TryTake(now, out retryAfter, out bool tell))
            {
                _stats.FloodDelayed();
                if (tell)
                {
                    Log.FloodDelay(_logger, link.Id, state.Session?.Nick ?? "?", retryAfter.TotalMilliseconds);
                    state.Error(ErrorCode.Flood,
                        $"Flood control: more than {_options.FloodBurst} messages at once or {_options.FloodRate:0.##}/s; your messages are delayed, not dropped.");
                }
                return false;
            }
            try
            {
                if (state.Session is { } session) Dispatch(state, session, message);
                else DispatchBeforeHello(state, message);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.HandlerFailed(_logger, exception, message.Type, link.Id);
                state.Error(ErrorCode.InternalError, $"The server failed handling your {message.Type}; it had no effect.");
            }
            return !state.Hold.IsHolding(out retryAfter);
        }
    }

    /// <summary>
    /// The connection has ended (call exactly once per admitted link, from the transport). Its session is detached:
    /// it keeps its nick and rooms, resumable with its token, for the resume window; the rooms see its Quit (with
    /// <paramref name="reason"/>) only if the window ends first.
    /// </summary>
    public void Disconnected(IClientLink link, string reason)
    {
        lock (_gate)
        {
            if (!_links.Remove(link.Id, out var state))
            {
                return;
            }
            _caps.Release(state.Address);
            if (state.Session is { } session) _core.Detach(session, state, reason);
        }
    }

    /// <summary>
    /// Runs timers: handshake timeout, keepalive pings, idle timeout, and the core's expiry of sessions waiting for
    /// resume. Call about once a second.
    /// </summary>
    public void Sweep()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            foreach (var state in _links.Values)
            {
                if (state.Closing) continue;
                if (state.Session is null)
                {
                    if (_time.GetElapsedTime(state.ConnectedAt, now) >= _options.HandshakeTimeout)
                    {
                        state.Close(ErrorCode.HandshakeTimeout, $"No Hello within {_options.HandshakeTimeout.TotalSeconds:0.#} s.");
                    }
                    continue;
                }
                var idle = _time.GetElapsedTime(state.LastHeard, now);
                if (idle >= _options.IdleTimeout)
                {
                    state.Close(ErrorCode.IdleTimeout, $"Nothing heard for {_options.IdleTimeout.TotalSeconds:0.#} s.");
                }
                else if (idle >= _options.KeepaliveInterval && !state.PingOutstanding)
                {
                    state.PingOutstanding = true;
                    state.Send(new Ping(++_pingNonce));
                }
            }
        }
        _core.Sweep();
    }

    /// <summary>Refuses new connections and tells every client "server shutting down" before closing it.</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            Log.ShuttingDown(_logger, _links.Count);
            foreach (var state in _links.Values)
            {
                state.Close(ErrorCode.ServerShutdown, "server shutting down");
            }
        }
    }

    /// <summary>The Stats message: mode plus every figure.</summary>
    public Stats GetStats()
    {
        var entries = _stats.ToEntries();
        entries.Insert(1, new StatEntry("rooms", _core.RoomCount));
        entries.Insert(2, new StatEntry("sessions", _core.SessionCount));
        entries.Insert(3, new StatEntry("users_online", _core.OnlineCount));
        return new Stats(ModeName, entries.ToArray());
    }

    internal Welcome WelcomeFor(ushort version, string nick, ResumeToken token, bool resumed) =>
        new(version, nick, token, resumed, _options.ServerName, ModeName,
            (ushort)Math.Clamp(_options.KeepaliveInterval.TotalSeconds, 1, ushort.MaxValue), _options.Motd);

    private void DispatchBeforeHello(LinkState state, Message message)
    {
        switch (message)
        {
            case Hello hello:
                // An Error instead of Welcome is fatal (PROTOCOL.md section 4): the client reconnects to retry.
                state.Version = hello.Version;
                var registration = _core.Register(state, hello.Nick, hello.Token, hello.Cursors, state.Link.KeyFingerprint, state.Address, hello.Password);
                if (registration.Wait is { } wait)
                {
                    state.Hold.Until(wait);
                    return;
                }
                if (registration.Session is not { } session)
                {
                    state.Close(registration.Refusal, registration.Problem);
                    return;
                }
                state.Session = session;
                Log.Registered(_logger, session.Nick, state.Link.Remote, state.Link.Id, session.Token == hello.Token);
                return;
            case Bye:
                state.Close(null, "goodbye");
                return;
            case Ping ping:
                // Section 4: answered before Hello, so netcheck can time round trips without a session; the
                // handshake timeout keeps running.
                state.Send(new Pong(ping.Nonce));
                return;
            default:
                state.Close(ErrorCode.HandshakeRequired, $"The first frame must be Hello, not {message.Type}.");
                return;
        }
    }

    private void Dispatch(LinkState state, CoreSession session, Message message)
    {
        switch (message)
        {
            case Hello:
                state.Error(ErrorCode.NotAllowed, $"You are already registered as {session.Nick}.");
                break;
            case JoinRoom join:
                _core.Join(session, join.Room);
                break;
            case PartRoom part:
                _core.Part(session, part.Room, part.Reason);
                break;
            case SendMessage say:
                _core.Say(session, say.Room, say.Kind, say.Text);
                break;
            case SendPrivate pm:
                _core.Private(session, pm.To, pm.Text);
                break;
            case ChangeNick change:
                state.Hold.Until(_core.ChangeNick(session, change.Nick));
                break;
            case SetTopic topic:
                _core.SetTopic(session, topic.Room, topic.Topic);
                break;
            case SetAway away:
                _core.SetAway(session, away.Reason);
                break;
            case ListMembers list:
                _core.ListMembers(session, list.Room);
                break;
            case ListRooms:
                _core.ListRooms(session);
                break;
            case SearchHistory when state.Version < ProtocolLimits.SearchVersion:
                state.Error(ErrorCode.NotAllowed, $"SearchHistory needs protocol version {ProtocolLimits.SearchVersion}; this session speaks version {state.Version}.");
                break;
            case SearchHistory search:
                _core.Search(session, search.Room, search.Words);
                break;
            case Moderate or JoinKeyed when state.Version < ProtocolLimits.ModerationVersion:
                state.Error(ErrorCode.NotAllowed, $"{message.Type} needs protocol version {ProtocolLimits.ModerationVersion}; this session speaks version {state.Version}.");
                break;
            case Moderate moderate:
                _core.Moderate(session, moderate.Action, moderate.Room, moderate.Target, moderate.Seconds, moderate.Reason);
                break;
            case JoinKeyed join:
                _core.Join(session, join.Room, join.Key);
                break;
            case Protocol.Messages.GetStats:
                state.Send(GetStats());
                break;
            case Ping ping:
                state.Send(new Pong(ping.Nonce));
                break;
            case Pong:
                break;
            case Bye bye:
                _core.Quit(session, bye.Reason.Length == 0 ? "quit" : bye.Reason);
                state.Session = null;
                state.Close(null, "goodbye");
                break;
            default:
                state.Error(ErrorCode.NotAllowed, $"{message.Type} is sent by servers, not clients.");
                break;
        }
    }
}
