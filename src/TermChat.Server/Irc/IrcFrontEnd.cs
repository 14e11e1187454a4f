using System.Globalization;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.Irc;

/// <summary>
/// The IRC front end (<c>--irc-port</c>): a sibling of the <see cref="WireFrontEnd"/> on the same
/// <see cref="ChatCore"/>. IRC clients (irssi, weechat, bots) register, join rooms as channels and talk with TermChat
/// users; the same admission caps, flood control and send queues apply. Each connection's
/// <see cref="IrcConnection"/> is its session's sink and turns the core's events into IRC lines.
/// </summary>
/// <remarks>
/// A transport calls <see cref="TryConnect"/> once per connection, <see cref="TryHandle"/> for each line in arrival
/// order, and <see cref="Disconnected"/> once at the end; <see cref="Sweep"/> runs about once a second. One lock guards
/// the connection table and is held across the core's commands (the core's lock nests inside it). An IRC session has
/// no resume token: when its connection ends, it quits.
/// </remarks>
internal sealed partial class IrcFrontEnd
{
    /// <summary>The host part of every user's mask (<c>nick!nick@termchat</c>); addresses are not shown to others.</summary>
    public const string UserHost = "termchat";

    private readonly object _gate = new();
    private readonly ChatCore _core;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConnectionCaps _caps;
    private readonly Dictionary<long, IrcConnection> _connections = [];
    private bool _shuttingDown;

    public IrcFrontEnd(ChatCore core, ServerOptions options, ServerStats stats, ILogger logger, ConnectionCaps caps)
    {
        _core = core;
        _options = options;
        _time = options.TimeProvider;
        Stats = stats;
        _logger = logger;
        _caps = caps;
        ServerName = ServerNameFor(options.ServerName);
        Created = options.TimeProvider.GetUtcNow().UtcDateTime;
        ISupport =
        [
            "CASEMAPPING=ascii",
            "CHANTYPES=#",
            "CHANMODES=,,,n",
            "PREFIX=",
            $"NICKLEN={ProtocolLimits.MaxNickBytes}",
            $"CHANNELLEN={ProtocolLimits.MaxRoomBytes}",
            $"TOPICLEN={ProtocolLimits.MaxTopicBytes}",
            $"AWAYLEN={ProtocolLimits.MaxReasonBytes}",
            $"CHANLIMIT=#:{options.MaxRoomsPerUser}",
            $"MAXTARGETS={MaxTargets}",
            "NETWORK=TermChat",
        ];
    }

    /// <summary>The server and version reported in 002 and 004.</summary>
    public static string Version { get; } = "termchat-" + (typeof(IrcFrontEnd).Assembly.GetName().Version?.ToString(3) ?? "0");

    /// <summary>The server's name as IRC sources it: the configured name, made a valid IRC server name.</summary>
    public string ServerName { get; }

    /// <summary>When the front end started (003).</summary>
    public DateTime Created { get; }

    /// <summary>The 005 tokens.</summary>
    public string[] ISupport { get; }

    /// <summary>The message of the day.</summary>
    public string Motd => _options.Motd;

    /// <summary>Shared counters.</summary>
    public ServerStats Stats { get; }

    /// <summary>Open IRC connections.</summary>
    public int ConnectionCount
    {
        get { lock (_gate) return _connections.Count; }
    }

    /// <summary>Admits a connection, or refuses it (server full, too many from the address, shutting down) with ERROR.</summary>
    public bool TryConnect(IClientLink link)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                link.Close(ErrorCode.ServerShutdown, "Server shutting down");
                return false;
            }
            if (!_caps.TryAdmit(link, _logger, out var address)) return false;
            long now = _time.GetTimestamp();
            _connections[link.Id] = new IrcConnection(this, link, address, now, new FloodGate(_options, now));
            return true;
        }
    }

    /// <summary>
    /// Handles one line. Returns <see langword="false"/> when flood control holds it back: the caller stops reading
    /// from this connection, waits <paramref name="retryAfter"/> and offers the same line again.
    /// </summary>
    public bool TryHandle(IClientLink link, string line, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (_gate)
        {
            if (!_connections.TryGetValue(link.Id, out var connection) || connection.Closing) return true;
            if (!connection.Hold.TryRelease(out retryAfter, out bool reoffered)) return false;
            long now = _time.GetTimestamp();
            connection.LastHeard = now;
            connection.PingOutstanding = false;
            if (!IrcMessage.TryParse(line, out var message)) return true;
            // PONG answers our keepalive and costs nothing; everything else goes past the flood gate (once: a line
            // held for the cluster was counted when first offered).
            if (message.Command != "PONG" && !reoffered && !connection.Flood.TryTake(now, out retryAfter, out bool tell))
            {
                Stats.FloodDelayed();
                if (tell)
                {
                    Log.FloodDelay(_logger, link.Id, connection.Nick, retryAfter.TotalMilliseconds);
                    connection.ServerNotice(
                        $"Flood control: more than {_options.FloodBurst} lines at once or {_options.FloodRate:0.##}/s; your lines are delayed, not dropped.");
                }
                return false;
            }
            try
            {
                Dispatch(connection, message);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.IrcHandlerFailed(_logger, exception, message.Command, link.Id);
                connection.ServerNotice($"The server failed handling your {message.Command}; it had no effect.");
            }
            finally
            {
                connection.EndCommand();
            }
            return !connection.Hold.IsHolding(out retryAfter);
        }
    }

    /// <summary>A line passed the limit and was dropped (417 ERR_INPUTTOOLONG); the connection goes on.</summary>
    public void InputTooLong(IClientLink link)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(link.Id, out var connection) && !connection.Closing)
            {
                connection.Numeric(IrcNumeric.InputTooLong, "Input line was too long");
            }
        }
    }

    /// <summary>The connection has ended: its session quits (IRC has no resume), with <paramref name="reason"/>.</summary>
    public void Disconnected(IClientLink link, string reason)
    {
        lock (_gate)
        {
            if (!_connections.Remove(link.Id, out var connection)) return;
            _caps.Release(connection.Address);
            if (connection.Session is { } session)
            {
                connection.Session = null;
                _core.Quit(session, reason);
            }
        }
    }

    /// <summary>Registration timeout, keepalive PINGs and the idle timeout. Call about once a second.</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            foreach (var connection in _connections.Values)
            {
                if (connection.Closing) continue;
                if (connection.Session is null)
                {
                    if (_time.GetElapsedTime(connection.ConnectedAt, now) >= _options.HandshakeTimeout)
                    {
                        connection.Close(ErrorCode.HandshakeTimeout, $"Registration timed out ({_options.HandshakeTimeout.TotalSeconds:0.#} s)");
                    }
                    continue;
                }
                var idle = _time.GetElapsedTime(connection.LastHeard, now);
                if (idle >= _options.IdleTimeout)
                {
                    connection.Close(ErrorCode.IdleTimeout, $"Ping timeout: {_options.IdleTimeout.TotalSeconds:0} seconds");
                }
                else if (idle >= _options.KeepaliveInterval && !connection.PingOutstanding)
                {
                    connection.PingOutstanding = true;
                    connection.Reply(IrcText.Line("", "", "PING", ServerName));
                }
            }
        }
    }

    /// <summary>Refuses new connections and closes every one with "Server shutting down".</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            foreach (var connection in _connections.Values)
            {
                connection.Close(ErrorCode.ServerShutdown, "Server shutting down");
            }
        }
    }

    /// <summary>
    /// IRC sources a server by a name with a dot and no spaces (clients tell a server from a nick that way): the
    /// configured name keeps its letters, digits, dots and dashes, and gets ".termchat" if it has no dot.
    /// </summary>
    public static string ServerNameFor(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray();
        string cleaned = new string(chars).Trim('.', '-');
        if (cleaned.Length == 0) cleaned = "server";
        return cleaned.Contains('.') ? cleaned : cleaned + ".termchat";
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
