using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TermChat.Server.Cluster;
using TermChat.Server.Connections;
using TermChat.Server.Core;
using TermChat.Server.Datagrams;
using TermChat.Server.History;
using TermChat.Server.Irc;
using TermChat.Server.LineMode;
using TermChat.Server.Limits;
using TermChat.Server.Wire;
using TermChat.Server.Modes;
using TermChat.Server.Modes.Async;
using TermChat.Server.Modes.Select;
using TermChat.Server.Modes.Threads;
using TermChat.Server.Security;
using TermChat.Server.Storage;
using TermChat.Protocol.Security;
using TermChat.Server.Udp;

namespace TermChat.Server;

/// <summary>
/// The server facade: binds TCP (and UDP, unless <see cref="ServerOptions.ServeUdp"/> is off) on one port, runs the
/// chosen mode over the shared <see cref="WireFrontEnd"/> and the UDP handler it owns, runs timers and the stats line,
/// and shuts down gracefully.
/// </summary>
/// <example>
/// <code>
/// await using var server = ChatServer.Create(new ServerOptions { Port = 0, Mode = ServerMode.Select }, loggerFactory);
/// await server.StartAsync(cancellationToken);
/// Console.WriteLine(server.TcpEndPoint);
/// await server.RunAsync(cancellationToken); // until cancelled, then drains
/// </code>
/// </example>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IRoomLog _log;
    private readonly SqliteStore? _store;
    private readonly ClusterNode? _cluster;
    private readonly Func<WireFrontEnd, IDatagramHandler>? _datagramHandler;
    private readonly Func<Socket, IDatagramWire>? _datagramWire;
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly ServerTls _tls;
    private TcpMode? _mode;
    private Timer? _timer;
    private Task? _stopTask;
    private long _lastStatsTimestamp;
    private int _sweeping;

    private ChatServer(ServerOptions options, ILoggerFactory loggerFactory, Func<WireFrontEnd, IDatagramHandler>? datagramHandler, Func<Socket, IDatagramWire>? datagramWire)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger("TermChat.Server");
        _loggerFactory = loggerFactory;
        _datagramHandler = datagramHandler;
        _datagramWire = datagramWire;
        Mode = options.Mode;
        Stats = new ServerStats();
        if (options.Cluster is { } cluster)
        {
            _cluster = ClusterNode.Join(cluster, options, loggerFactory);
            _log = _cluster.RoomLog;
            Stats.AddEntrySource(_cluster.StatEntries);
        }
        else if (options.DataFile is { } path)
        {
            _store = SqliteStore.Open(path, options, loggerFactory.CreateLogger("TermChat.Server.Storage"));
            _log = _store.RoomLog;
        }
        else
        {
            _log = new MemoryRoomLog(options);
        }
        try
        {
            Core = new ChatCore(options, Stats, _log, loggerFactory.CreateLogger("TermChat.Server.Core"), (ISessionStore?)_store ?? _cluster?.Nicks,
                (Core.Identity.INickOwnerStore?)_store ?? _cluster?.Rules, (Core.Moderation.IBanStore?)_store ?? _cluster?.Rules, _cluster?.Nicks, _cluster?.Rules);
        }
        catch
        {
            _store?.Dispose();
            _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        Caps = new ConnectionCaps(options);
        Wire = new WireFrontEnd(Core, options, Stats, loggerFactory.CreateLogger("TermChat.Server.Wire"), Caps);
        Irc = options.IrcPort is null ? null : new IrcFrontEnd(Core, options, Stats, loggerFactory.CreateLogger("TermChat.Server.Irc"), Caps);
        Lines = options.LinePort is null ? null : new LineFrontEnd(Core, options, Stats, loggerFactory.CreateLogger("TermChat.Server.Lines"), Caps);
        _tls = new ServerTls(options.Certificate ?? KeyFile.CreateEphemeral(), options.Plaintext);
    }

    /// <summary>Creates a server; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Settings; checked with <see cref="ServerOptions.Validate"/>.</param>
    /// <param name="loggerFactory">Where to log.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="StoreOpenException">The <see cref="ServerOptions.DataFile"/> cannot be used; the message is one line for the user.</exception>
    /// <exception cref="ClusterOpenException">The <see cref="ServerOptions.Cluster"/> cannot be joined; the message is one line for the user.</exception>
    public static ChatServer Create(ServerOptions options, ILoggerFactory loggerFactory) => Create(options, loggerFactory, null, null);

    /// <summary>Creates a server with test seams on its UDP side.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="loggerFactory">Where to log.</param>
    /// <param name="datagramHandler">
    /// Takes the UDP socket's datagrams instead of the chat's own handler: tests check each mode's datagram plumbing
    /// (receive styles, the one sender) on its own with it.
    /// </param>
    /// <param name="datagramWire">Stands for the UDP socket's sending side: tests stall a path with it.</param>
    internal static ChatServer Create(ServerOptions options, ILoggerFactory loggerFactory, Func<WireFrontEnd, IDatagramHandler>? datagramHandler, Func<Socket, IDatagramWire>? datagramWire)
    {
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
        return new ChatServer(options, loggerFactory, datagramHandler, datagramWire);
    }

    /// <summary>The hub shared by every transport (the UDP handler talks to it too).</summary>
    internal WireFrontEnd Wire { get; }

    /// <summary>
    /// The key of <see cref="Exception.Data"/> that names the option whose port failed to bind (such as "--irc-port")
    /// when <see cref="StartAsync"/> throws for a port other than <see cref="ServerOptions.Port"/>.
    /// </summary>
    public const string BindFailurePort = "termchat.bind-option";

    /// <summary>The IRC front end, when <see cref="ServerOptions.IrcPort"/> is set.</summary>
    internal IrcFrontEnd? Irc { get; }

    /// <summary>The nc/telnet line mode, when <see cref="ServerOptions.LinePort"/> is set.</summary>
    internal LineFrontEnd? Lines { get; }

    /// <summary>The admission caps every front end shares.</summary>
    internal ConnectionCaps Caps { get; }

    /// <summary>The chat core behind every front end.</summary>
    internal ChatCore Core { get; }

    /// <summary>Open connections: TCP and UDP, IRC included.</summary>
    public int ConnectionCount => Caps.Count;

    /// <summary>Sessions, attached or waiting for resume.</summary>
    public int SessionCount => Core.SessionCount;

    /// <summary>The data file in use (full path), or null when everything is kept in memory.</summary>
    public string? DataFile => _store?.Path;

    /// <summary>The shared counters.</summary>
    public ServerStats Stats { get; }

    /// <summary>The fingerprint of the server's key, which clients pin (<c>SHA256:…</c>).</summary>
    public string KeyFingerprint => _tls.Fingerprint;

    /// <summary>The settings.</summary>
    public ServerOptions Options => _options;

    /// <summary>How this server moves bytes (<see cref="ServerModeNames.ToName"/> gives its name); fixed at creation.</summary>
    public ServerMode Mode { get; }

    /// <summary>The bound TCP endpoint, once started.</summary>
    public IPEndPoint? TcpEndPoint { get; private set; }

    /// <summary>The bound IRC endpoint, once started with <see cref="ServerOptions.IrcPort"/>; otherwise <see langword="null"/>.</summary>
    public IPEndPoint? IrcEndPoint { get; private set; }

    /// <summary>This server's id among the nodes of its cluster, or null when it is not a node of one.</summary>
    internal string? ClusterNodeId => _cluster?.Link.NodeId;

    /// <summary>Ownership and ban changes of this cluster node not yet written to the cluster (0 on a server on its own).</summary>
    internal int ClusterPendingRuleWrites => _cluster?.Rules.PendingWrites ?? 0;

    /// <summary>A room's modes and key as this node of a cluster knows them (null when not clustered); for tests.</summary>
    internal History.RoomAccess? ClusterRoomAccess(string room) => _cluster?.Rules.Access(room);

    /// <summary>The mutes in a room as this node of a cluster knows them (null when not clustered); for tests.</summary>
    internal IReadOnlyList<Core.Moderation.RoomMute>? ClusterRoomMutes(string room) => _cluster?.Rules.Mutes(room);

    /// <summary>The bound line-mode endpoint, once started with <see cref="ServerOptions.LinePort"/>; otherwise <see langword="null"/>.</summary>
    public IPEndPoint? LineEndPoint { get; private set; }

    /// <summary>The bound UDP endpoint, once started with <see cref="ServerOptions.ServeUdp"/> on; otherwise <see langword="null"/>.</summary>
    public IPEndPoint? UdpEndPoint { get; private set; }

    /// <summary>Completes when the server has stopped.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>
    /// Binds and starts serving. Throws <see cref="SocketException"/> (AddressAlreadyInUse,
    /// AddressNotAvailable, ...) when the port or address cannot be bound.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_mode is not null) throw new InvalidOperationException("The server is already started.");
            var (listener, udp) = Bind();
            TcpEndPoint = (IPEndPoint)listener.LocalEndPoint!;
            DatagramEndpoint? datagrams = null;
            if (udp is not null)
            {
                UdpEndPoint = (IPEndPoint)udp.LocalEndPoint!;
                datagrams = new DatagramEndpoint(udp, CreateDatagramHandler(), _logger, _datagramWire?.Invoke(udp));
            }
            var context = new ServerContext(_options, Stats, _logger, _tls);
            var listeners = new List<StreamListener> { new(listener, link => new WireStream(Wire, link)) };
            try
            {
                if (Irc is { } irc)
                {
                    var ircListener = ListenFor("--irc-port", _options.IrcPort!.Value, link => new IrcStream(irc, link), listeners);
                    IrcEndPoint = (IPEndPoint)ircListener.LocalEndPoint!;
                }
                if (Lines is { } lines)
                {
                    var lineListener = ListenFor("--line-port", _options.LinePort!.Value, link => new LineStream(lines, link), listeners);
                    LineEndPoint = (IPEndPoint)lineListener.LocalEndPoint!;
                }
            }
            catch
            {
                foreach (var bound in listeners) bound.Socket.Dispose();
                udp?.Dispose();
                throw;
            }
            _mode = Mode switch
            {
                ServerMode.Select => new SelectLoop(listeners, datagrams, context),
                ServerMode.Threads => new ThreadsMode(listeners, datagrams, context),
                _ => new AsyncMode(listeners, datagrams, context),
            };
            datagrams?.Start();
            _mode.Start();
            Log.Listening(_logger, Mode.ToName(), TcpEndPoint);
            if (IrcEndPoint is not null) Log.ListeningFor(_logger, "IRC", IrcEndPoint);
            if (LineEndPoint is not null) Log.ListeningFor(_logger, "the line mode", LineEndPoint);
            _lastStatsTimestamp = _options.TimeProvider.GetTimestamp();
            Stats.Sample(_lastStatsTimestamp, _options.TimeProvider.TimestampFrequency);
            var tick = TimeSpan.FromTicks(Math.Clamp(Math.Min(_options.HandshakeTimeout.Ticks, _options.KeepaliveInterval.Ticks) / 4,
                TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
            _timer = new Timer(_ => Housekeeping(), null, tick, tick);
        }
        return Task.CompletedTask;
    }

    /// <summary>Starts if needed, serves until <paramref name="cancellationToken"/> is cancelled or <see cref="StopAsync"/> is called, then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_mode is null)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
        using (cancellationToken.Register(() => _stopRequested.TrySetResult()))
        {
            await _stopRequested.Task.ConfigureAwait(false);
        }
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Tells every client "server shutting down" (Error ServerShutdown), waits for the notices to drain
    /// (bounded by <see cref="ServerOptions.ShutdownDrain"/>), and closes every socket. Idempotent.
    /// </summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopTask ??= StopCoreAsync();
            _stopRequested.TrySetResult();
            return _stopTask;
        }
    }

    private async Task StopCoreAsync()
    {
        await Task.Yield();
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }
        if (_mode is not null)
        {
            Wire.Shutdown();
            Irc?.Shutdown();
            Lines?.Shutdown();
        }
        try
        {
            if (_mode is not null)
            {
                await _mode.StopAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            // After the modes have drained: what the store still holds (the last entries, the sessions just detached) is
            // written before the file closes.
            _log.Dispose();
            _store?.Dispose();
            if (_cluster is not null) await _cluster.DisposeAsync().ConfigureAwait(false);
            _stopped.TrySetResult();
        }
    }

    /// <summary>Stops (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void Housekeeping()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0) return;
        try
        {
            Wire.Sweep();
            Irc?.Sweep();
            Lines?.Sweep();
            var time = _options.TimeProvider;
            long now = time.GetTimestamp();
            var interval = _options.StatsInterval > TimeSpan.Zero ? _options.StatsInterval : TimeSpan.FromSeconds(10);
            if (time.GetElapsedTime(_lastStatsTimestamp, now) >= interval)
            {
                _lastStatsTimestamp = now;
                var sample = Stats.Sample(now, time.TimestampFrequency);
                if (_options.StatsInterval > TimeSpan.Zero)
                {
                    Log.StatsLine(_logger, Stats.Connections, Core.RoomCount, Core.SessionCount, sample.FramesInPerSecond, sample.FramesOutPerSecond,
                        Stats.FloodDelays, Stats.SlowConsumers, sample.SendQueuePeak, Stats.DisconnectSummary());
                    if (_cluster is { } node)
                    {
                        ClusterLog.Stats(_logger, node.IsConnected, node.RttMicros, node.RoomLog.PendingCount, node.RoomLog.ConsumedSeq, node.Reconnects,
                            node.RoomLog.CommitTimes.Percentile(0.50), node.RoomLog.CommitTimes.Percentile(0.99));
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.LoopFailed(_logger, exception, "housekeeping");
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private IDatagramHandler CreateDatagramHandler() => _datagramHandler is { } create
        ? create(Wire)
        : new UdpChatHandler(Wire, _loggerFactory.CreateLogger("TermChat.Server.Udp"), _options.Datagrams, _tls);

    private (Socket Listener, Socket? Udp) Bind()
    {
        // With port 0 the UDP socket must get the same port as TCP; retry if another process has it.
        for (int attempt = 0; ; attempt++)
        {
            var listener = CreateListener(_options.Port);
            if (!_options.ServeUdp && _datagramHandler is null)
            {
                return (listener, null);
            }
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            var udp = new Socket(listener.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (listener.AddressFamily == AddressFamily.InterNetworkV6 && listener.DualMode) udp.DualMode = true;
                udp.Bind(new IPEndPoint(((IPEndPoint)listener.LocalEndPoint!).Address, port));
                return (listener, udp);
            }
            catch (SocketException) when (_options.Port == 0 && attempt < 10)
            {
                udp.Dispose();
                listener.Dispose();
            }
            catch
            {
                udp.Dispose();
                listener.Dispose();
                throw;
            }
        }
    }

    /// <summary>Binds another front end's port and adds it to <paramref name="listeners"/>; a failure names the option.</summary>
    private Socket ListenFor(string option, int port, Func<TcpLink, IStreamHandler> handler, List<StreamListener> listeners)
    {
        Socket socket;
        try
        {
            socket = CreateListener(port);
        }
        catch (Exception exception)
        {
            // Which of the ports failed: the caller's message names the option (see BindFailurePort).
            exception.Data[BindFailurePort] = option;
            throw;
        }
        listeners.Add(new StreamListener(socket, handler));
        return socket;
    }

    private Socket CreateListener(int port)
    {
        if (_options.Bind is { } address)
        {
            // "::" means every address, as without --bind; any other address means that one only.
            return Listen(address, port, dualMode: address.Equals(IPAddress.IPv6Any));
        }
        if (Socket.OSSupportsIPv6)
        {
            try
            {
                return Listen(IPAddress.IPv6Any, port, dualMode: true);
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable or SocketError.ProtocolNotSupported)
            {
            }
        }
        return Listen(IPAddress.Any, port, dualMode: false);
    }

    private static Socket Listen(IPAddress address, int port, bool dualMode)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (dualMode) socket.DualMode = true;
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1024);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
