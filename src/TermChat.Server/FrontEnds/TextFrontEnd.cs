using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.FrontEnds;

/// <summary>
/// What the front ends that read text lines (IRC, the line mode) share: the table of their connections, admission
/// under the shared caps, the end of a connection (its session quits at once: neither has resume), shutdown, and the
/// flood gate's verdict on a line. Each front end adds its registration, commands and timers.
/// </summary>
/// <remarks>
/// A transport calls <see cref="TryConnect"/> once per connection, the front end's line handler for each line in
/// arrival order, and <see cref="Disconnected"/> once at the end. One lock (<see cref="Gate"/>) guards the table and is
/// held across the core's commands (the core's lock nests inside it).
/// </remarks>
/// <typeparam name="TConnection">The front end's connection, which is its session's sink.</typeparam>
internal abstract class TextFrontEnd<TConnection>
    where TConnection : FrontEndConnection, ISessionSink
{
    private readonly ConnectionCaps _caps;
    private readonly Dictionary<long, TConnection> _connections = [];
    private bool _shuttingDown;

    protected TextFrontEnd(ChatCore core, ServerOptions options, ServerStats stats, ILogger logger, ConnectionCaps caps)
    {
        Core = core;
        Options = options;
        Time = options.TimeProvider;
        Stats = stats;
        Logger = logger;
        _caps = caps;
    }

    /// <summary>Shared counters.</summary>
    public ServerStats Stats { get; }

    /// <summary>Open connections of this front end.</summary>
    public int ConnectionCount
    {
        get { lock (Gate) return _connections.Count; }
    }

    /// <summary>Guards the connection table; held across the core's commands.</summary>
    protected object Gate { get; } = new();

    protected ChatCore Core { get; }

    protected ServerOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    /// <summary>The reason a connection is closed with at shutdown, in the front end's voice.</summary>
    protected abstract string ShutdownReason { get; }

    /// <summary>Admits a connection, or refuses it (server full, too many from the address, shutting down) with its reason.</summary>
    public bool TryConnect(IClientLink link)
    {
        lock (Gate)
        {
            if (_shuttingDown)
            {
                link.Close(ErrorCode.ServerShutdown, ShutdownReason);
                return false;
            }
            if (!_caps.TryAdmit(link, Logger, out var address)) return false;
            long now = Time.GetTimestamp();
            var connection = Create(link, address, now, new FloodGate(Options, now));
            _connections[link.Id] = connection;
            Admitted(connection);
            return true;
        }
    }

    /// <summary>The connection has ended: its session quits with <paramref name="reason"/>.</summary>
    public void Disconnected(IClientLink link, string reason)
    {
        lock (Gate)
        {
            if (!_connections.Remove(link.Id, out var connection)) return;
            _caps.Release(connection.Address);
            if (connection.Session is { } session)
            {
                connection.Session = null;
                Core.Quit(session, reason);
            }
        }
    }

    /// <summary>Refuses new connections and closes every one with <see cref="ShutdownReason"/>.</summary>
    public void Shutdown()
    {
        lock (Gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            foreach (var connection in _connections.Values) connection.Close(ErrorCode.ServerShutdown, ShutdownReason);
        }
    }

    /// <summary>A new connection's state.</summary>
    protected abstract TConnection Create(IClientLink link, IPAddress? address, long now, FloodGate flood);

    /// <summary>The connection is in the table (under <see cref="Gate"/>): the line mode asks for a nick here.</summary>
    protected virtual void Admitted(TConnection connection)
    {
    }

    /// <summary>Under <see cref="Gate"/>: the connection of <paramref name="link"/> if it is open and not closing.</summary>
    protected bool TryOpen(IClientLink link, out TConnection connection) =>
        _connections.TryGetValue(link.Id, out connection!) && !connection.Closing;

    /// <summary>Under <see cref="Gate"/>: every connection, for the timers' sweep.</summary>
    protected IEnumerable<TConnection> Connections => _connections.Values;

    /// <summary>
    /// Under <see cref="Gate"/>: takes a flood token for one line, or says how long the connection must wait (the
    /// caller stops reading it and offers the line again). The first delay of an episode is told with
    /// <see cref="FloodNotice"/>.
    /// </summary>
    protected bool TryTakeToken(TConnection connection, long now, out TimeSpan retryAfter)
    {
        if (connection.Flood.TryTake(now, out retryAfter, out bool tell)) return true;
        Stats.FloodDelayed();
        if (tell) FloodNotice(connection, retryAfter);
        return false;
    }

    /// <summary>Tells the client, once per flood episode, that its lines are delayed by <paramref name="retryAfter"/>.</summary>
    protected abstract void FloodNotice(TConnection connection, TimeSpan retryAfter);
}
