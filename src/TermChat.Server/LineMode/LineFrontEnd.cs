using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.LineMode;

/// <summary>
/// The line mode (<c>--line-port</c>) for people with only nc or telnet: the server asks for a nick, then every line
/// typed goes to the current room and every event arrives as one readable line. A sibling of the wire and IRC front
/// ends on the same <see cref="ChatCore"/>, under the same admission caps, flood control and send queues.
/// </summary>
/// <remarks>
/// The same contract as the other front ends: <see cref="TryConnect"/> once, <see cref="TryHandle"/> per line in order,
/// <see cref="Disconnected"/> once, <see cref="Sweep"/> about once a second. One lock guards the connection table and is
/// held across the core's commands. nc cannot answer a ping, so a registered line-mode user is never timed out for
/// silence; only the nick prompt has a deadline (<see cref="ServerOptions.IdleTimeout"/>: a person is typing).
/// </remarks>
internal sealed class LineFrontEnd
{
    private readonly object _gate = new();
    private readonly ChatCore _core;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConnectionCaps _caps;
    private readonly Dictionary<long, LineConnection> _connections = [];
    private bool _shuttingDown;

    public LineFrontEnd(ChatCore core, ServerOptions options, ServerStats stats, ILogger logger, ConnectionCaps caps)
    {
        _core = core;
        _options = options;
        _time = options.TimeProvider;
        Stats = stats;
        _logger = logger;
        _caps = caps;
    }

    /// <summary>Shared counters.</summary>
    public ServerStats Stats { get; }

    /// <summary>The server's name, shown on connect.</summary>
    public string ServerName => _options.ServerName;

    /// <summary>Admits a connection and asks for a nick, or refuses it with one line.</summary>
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
            var connection = new LineConnection(this, link, address, now, new FloodGate(_options, now));
            _connections[link.Id] = connection;
            connection.Say($"TermChat on {_options.ServerName} (line mode). Your nick?");
            return true;
        }
    }

    /// <summary>
    /// Handles one typed line. Returns <see langword="false"/> when flood control holds it back: the caller stops
    /// reading, waits <paramref name="retryAfter"/> and offers the same line again.
    /// </summary>
    public bool TryHandle(IClientLink link, string line, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (_gate)
        {
            if (!_connections.TryGetValue(link.Id, out var connection) || connection.Closing) return true;
            if (!connection.Hold.TryRelease(out retryAfter, out bool reoffered)) return false;
            long now = _time.GetTimestamp();
            if (!reoffered && !connection.Flood.TryTake(now, out retryAfter, out bool tell))
            {
                Stats.FloodDelayed();
                if (tell)
                {
                    connection.Say($"-!- flood control: more than {_options.FloodBurst} lines at once or {_options.FloodRate:0.##}/s; your lines are delayed, not dropped");
                }
                return false;
            }
            try
            {
                if (connection.Session is null) Register(connection, line.Trim());
                else LineCommands.Run(_core, connection, connection.Session, line);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.IrcHandlerFailed(_logger, exception, "line", link.Id);
                connection.Say("!!! the server failed handling that line; it had no effect");
            }
            return !connection.Hold.IsHolding(out retryAfter);
        }
    }

    /// <summary>A typed line passed the limit and was dropped; the connection goes on.</summary>
    public void InputTooLong(IClientLink link, int limit)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(link.Id, out var connection) && !connection.Closing)
            {
                connection.Say($"!!! that line was longer than {limit} bytes and was not sent");
            }
        }
    }

    /// <summary>The connection has ended: its session quits at once (nc cannot resume).</summary>
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

    /// <summary>The nick prompt's deadline. Call about once a second.</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            foreach (var connection in _connections.Values)
            {
                if (!connection.Closing && connection.Session is null && _time.GetElapsedTime(connection.ConnectedAt, now) >= _options.IdleTimeout)
                {
                    connection.Close(ErrorCode.HandshakeTimeout, $"no nick within {_options.IdleTimeout.TotalSeconds:0} s");
                }
            }
        }
    }

    /// <summary>Refuses new connections and closes every one with "server shutting down".</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            foreach (var connection in _connections.Values) connection.Close(ErrorCode.ServerShutdown, "server shutting down");
        }
    }

    private void Register(LineConnection connection, string nick)
    {
        if (nick.Length == 0)
        {
            connection.Say("Your nick?");
            return;
        }
        var registration = _core.Register(connection, nick, ResumeToken.None, []);
        if (registration.Wait is { } wait)
        {
            connection.Hold.Until(wait);
            return;
        }
        if (registration.Session is not { } session)
        {
            connection.Say($"!!! {registration.Problem} Your nick?");
            return;
        }
        connection.Session = session;
        Log.Registered(_logger, session.Nick, connection.Link.Remote, connection.Link.Id, false);
    }
}
