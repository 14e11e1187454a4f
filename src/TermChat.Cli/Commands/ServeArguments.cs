using System.CommandLine;
using System.Net;
using TermChat.Cli.Usage;
using TermChat.Server;
using TermChat.Server.Cluster;
using TermChat.Server.Security;

namespace TermChat.Cli.Commands;

/// <summary>
/// The options of `termchat serve` and how they become <see cref="ServerOptions"/>: from the command line, then the
/// <c>--config</c> file, then the defaults. `service install` reads them the same way to refuse a bad unit early.
/// </summary>
internal sealed class ServeArguments
{
    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    private readonly Option<ServerMode> _mode;
    private readonly Option<int> _port;
    private readonly Option<int?> _ircPort;
    private readonly Option<int?> _linePort;
    private readonly Option<string?> _bind;
    private readonly Option<string> _name;
    private readonly Option<string> _motd;
    private readonly Option<string> _logLevel;
    private readonly Option<int> _maxFrame;
    private readonly Option<double> _handshake;
    private readonly Option<double> _idle;
    private readonly Option<double> _keepalive;
    private readonly Option<int> _floodBurst;
    private readonly Option<double> _floodRate;
    private readonly Option<int> _maxSendq;
    private readonly Option<int> _maxClients;
    private readonly Option<int> _maxPerIp;
    private readonly Option<int> _history;
    private readonly Option<long> _historyBytes;
    private readonly Option<int> _maxRoomsTotal;
    private readonly Option<double> _resumeWindow;
    private readonly Option<int> _maxRooms;
    private readonly Option<double> _statsInterval;
    private readonly Option<string?> _config;
    private readonly Option<string[]> _op;
    private readonly Option<string?> _opFile;
    private readonly Option<string?> _password;
    private readonly Option<bool> _noDiscovery;
    private readonly Option<int> _discoveryPort;
    private readonly DataOptions _data = new();
    private readonly ClusterArguments _cluster = new();
    private readonly Option<double> _retainDays;
    private readonly Option<string?> _key;
    private readonly Option<bool> _allowPlaintext;
    private readonly Option<bool> _requireTls;

    public ServeArguments()
    {
        var defaults = new ServerOptions();
        _mode = ServerModeOption.Create("How the server moves bytes: select (one thread polls every socket with Socket.Select), " +
            "threads (two blocking threads per client, a reader and a writer: up to twice --max-clients threads) " +
            "or async (async socket calls on the .NET thread pool; threads do not grow with clients).");
        _port = new Option<int>("--port", "-p") { HelpName = "PORT", Description = "TCP port (and UDP port when served); 0 picks a free one.", DefaultValueFactory = _ => defaults.Port };
        _ircPort = new Option<int?>("--irc-port")
        {
            HelpName = "PORT",
            Description = "Also serve IRC (irssi, weechat, bots) on this TCP port, same rooms and users; 0 picks a free one. Off by default; 6667 is IRC's usual port.",
        };
        _linePort = new Option<int?>("--line-port")
        {
            HelpName = "PORT",
            Description = "Also serve a line mode for nc and telnet on this TCP port: it asks for a nick, then each line goes to the current room. Off by default.",
        };
        _bind = new Option<string?>("--bind") { HelpName = "ADDR", Description = "Listen on this address only (IPv4 or IPv6); default: every address." };
        _name = new Option<string>("--name") { HelpName = "NAME", Description = "Server name shown to clients.", DefaultValueFactory = _ => defaults.ServerName };
        _motd = new Option<string>("--motd") { HelpName = "TEXT", Description = "Message of the day sent to every client on connect.", DefaultValueFactory = _ => "" };
        _logLevel = new Option<string>("--log-level") { HelpName = "LEVEL", Description = "trace, debug, information, warning, error, critical or none.", DefaultValueFactory = _ => "information" };
        _logLevel.AcceptOnlyFromAmong(LogLevels);
        _maxFrame = new Option<int>("--max-frame") { HelpName = "BYTES", Description = "Largest frame accepted from a client, in bytes.", DefaultValueFactory = _ => defaults.MaxFrameBytes };
        _handshake = new Option<double>("--handshake-timeout") { HelpName = "SECONDS", Description = "Seconds a new connection has to send Hello.", DefaultValueFactory = _ => defaults.HandshakeTimeout.TotalSeconds };
        _idle = new Option<double>("--idle-timeout") { HelpName = "SECONDS", Description = "Seconds of silence (pings unanswered) before a client is dropped.", DefaultValueFactory = _ => defaults.IdleTimeout.TotalSeconds };
        _keepalive = new Option<double>("--keepalive") { HelpName = "SECONDS", Description = "Seconds of silence before the server pings a client.", DefaultValueFactory = _ => defaults.KeepaliveInterval.TotalSeconds };
        _floodBurst = new Option<int>("--flood-burst") { HelpName = "N", Description = "Messages a client may send at once before flood control slows it.", DefaultValueFactory = _ => defaults.FloodBurst };
        _floodRate = new Option<double>("--flood-rate") { HelpName = "PER_SECOND", Description = "Steady messages per second after the burst; 0 turns flood control off.", DefaultValueFactory = _ => defaults.FloodRate };
        _maxSendq = new Option<int>("--max-sendq") { HelpName = "BYTES", Description = "Bytes queued for a client that does not read before it is disconnected.", DefaultValueFactory = _ => defaults.MaxSendQueueBytes };
        _maxClients = new Option<int>("--max-clients") { HelpName = "N", Description = "Most simultaneous connections.", DefaultValueFactory = _ => defaults.MaxClients };
        _maxPerIp = new Option<int>("--max-per-ip") { HelpName = "N", Description = "Most simultaneous connections from one IP address (loopback included).", DefaultValueFactory = _ => defaults.MaxPerIp };
        _history = new Option<int>("--history") { HelpName = "N", Description = "Messages and events kept per room for history and resume.", DefaultValueFactory = _ => defaults.HistorySize };
        _historyBytes = new Option<long>("--history-bytes") { HelpName = "BYTES", Description = "Encoded bytes of history kept per room (long messages keep fewer entries).", DefaultValueFactory = _ => defaults.HistoryBytes };
        _maxRoomsTotal = new Option<int>("--max-rooms") { HelpName = "N", Description = "Most rooms that may exist at once.", DefaultValueFactory = _ => defaults.MaxRooms };
        _resumeWindow = new Option<double>("--resume-window") { HelpName = "SECONDS", Description = "Seconds a dropped session can be resumed with its token.", DefaultValueFactory = _ => defaults.ResumeWindow.TotalSeconds };
        _maxRooms = new Option<int>("--max-rooms-per-user") { HelpName = "N", Description = "Most rooms one user may be in.", DefaultValueFactory = _ => defaults.MaxRoomsPerUser };
        _statsInterval = new Option<double>("--stats-interval") { HelpName = "SECONDS", Description = "Seconds between stats log lines; 0 turns them off.", DefaultValueFactory = _ => defaults.StatsInterval.TotalSeconds };

        _retainDays = new Option<double>("--retain-days") { HelpName = "DAYS", Description = "Delete stored history older than this; 0 keeps it while it fits --history and --history-bytes.", DefaultValueFactory = _ => defaults.RetainDays };
        _op = new Option<string[]>("--op")
        {
            HelpName = "FINGERPRINT",
            Description = "A client key fingerprint (as `termchat identity` shows it) whose holder is an operator: kick, ban, mute, room modes. Repeat for several.",
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [],
        };
        _opFile = new Option<string?>("--op-file") { HelpName = "FILE", Description = "A file of operator key fingerprints, one a line ('#' starts a comment)." };
        _password = new Option<string?>("--password")
        {
            HelpName = "PASSWORD",
            Description = "Clients must give this password to join at all (clients speaking protocol 3; older ones cannot join). Also read from TERMCHAT_SERVER_PASSWORD.",
        };
        _key = new Option<string?>("--key")
        {
            HelpName = "FILE",
            Description = "The server's TLS key (made on first start, mode 0600); clients pin it. Default: server.key beside the data file; " +
                "with --ephemeral a new key in memory at every start.",
        };
        _allowPlaintext = new Option<bool>("--allow-plaintext")
        {
            Description = "Also accept unencrypted clients from other machines (benchmarks, old clients). Loopback may always use plaintext unless --require-tls.",
        };
        _requireTls = new Option<bool>("--require-tls")
        {
            Description = "Accept only TLS, from loopback too (for a server reached through a local port forward or proxy).",
        };
        _noDiscovery = ServeDiscovery.CreateOffOption();
        _discoveryPort = ServeDiscovery.CreatePortOption();
        _config = new Option<string?>("--config")
        {
            HelpName = "FILE",
            Description = "Read settings from a JSON file: serve's option names without the dashes, e.g. {\"port\": 7777, \"motd\": \"hi\"}. " +
                "Options on the command line win. SIGHUP rereads it and applies what can change live (motd, limits, timeouts).",
        };
        Command = new Command("serve", "Run a headless chat server.")
        {
            _mode, _port, _ircPort, _linePort, _bind, _name, _motd, _logLevel, _maxFrame, _handshake, _idle, _keepalive, _floodBurst, _floodRate,
            _maxSendq, _maxClients, _maxPerIp, _history, _historyBytes, _maxRoomsTotal, _resumeWindow, _maxRooms, _statsInterval,
            _data.Data, _data.Ephemeral, _retainDays, _op, _opFile, _password, _key, _allowPlaintext, _requireTls, _noDiscovery, _discoveryPort, _config,
        };
        foreach (var option in _cluster.All) Command.Options.Add(option);
    }

    /// <summary>The `serve` command, without an action.</summary>
    public Command Command { get; }

    /// <summary>Everything `serve` needs to run, read from a parse of its command line (and the file it names).</summary>
    /// <exception cref="UsageException">A value is invalid, or the --config file cannot be used.</exception>
    public ServeSettings Read(ParseResult parseResult)
    {
        string? configPath = parseResult.GetValue(_config);
        ParseResult? file = configPath is null ? null : ServeConfigFile.Load(Command, configPath);

        // A flag typed on the command line wins; otherwise the file's value, or the default.
        T Get<T>(Option<T> option) => file is not null && parseResult.GetResult(option) is null or { Implicit: true }
            ? file.GetValue(option)!
            : parseResult.GetValue(option)!;

        IPAddress? bindAddress = null;
        if (Get(_bind) is { Length: > 0 } bindText && !IPAddress.TryParse(bindText.Trim('[', ']'), out bindAddress))
        {
            throw new UsageException($"--bind {OptionRules.Quote(bindText)} is not an IP address; give an address of this host such as 192.168.1.20 or ::1, or leave --bind out to listen everywhere");
        }
        var server = new ServerOptions
        {
            Mode = Get(_mode),
            Port = Get(_port),
            IrcPort = Get(_ircPort),
            LinePort = Get(_linePort),
            Bind = bindAddress,
            ServerName = Get(_name),
            Motd = Get(_motd),
            MaxFrameBytes = Get(_maxFrame),
            HandshakeTimeout = Seconds(Get(_handshake)),
            IdleTimeout = Seconds(Get(_idle)),
            KeepaliveInterval = Seconds(Get(_keepalive)),
            FloodBurst = Get(_floodBurst),
            FloodRate = Get(_floodRate),
            MaxSendQueueBytes = Get(_maxSendq),
            MaxClients = Get(_maxClients),
            MaxPerIp = Get(_maxPerIp),
            HistorySize = Get(_history),
            HistoryBytes = Get(_historyBytes),
            MaxRooms = Get(_maxRoomsTotal),
            ResumeWindow = Seconds(Get(_resumeWindow)),
            MaxRoomsPerUser = Get(_maxRooms),
            StatsInterval = Seconds(Get(_statsInterval)),
            RetainDays = Get(_retainDays),
        };
        if (Get(_cluster.Urls) is null && _cluster.All.Skip(1).FirstOrDefault(option => parseResult.GetResult(option) is { Implicit: false }) is { } orphan)
        {
            throw new UsageException($"{orphan.Name} sets up a cluster node: give --cluster nats://HOST:PORT too, or leave {orphan.Name} out");
        }
        if (Get(_cluster.Urls) is { } urls)
        {
            server.Cluster = new ClusterOptions
            {
                Urls = ClusterArguments.SplitUrls(urls),
                Name = Get(_cluster.Name),
                CredsFile = ClusterArguments.FullPath(Get(_cluster.Creds)),
                TlsCaFile = ClusterArguments.FullPath(Get(_cluster.TlsCa)),
                TlsCertFile = ClusterArguments.FullPath(Get(_cluster.TlsCert)),
                TlsKeyFile = ClusterArguments.FullPath(Get(_cluster.TlsKey)),
                ConnectTimeout = Seconds(Get(_cluster.Timeout)),
            };
        }
        // A node keeps history in the cluster: no data file unless one is asked for (which validation refuses).
        server.DataFile = server.Cluster is not null && Get(_data.Data) is null
            ? null
            : DataOptions.Resolve(Get(_data.Data), Get(_data.Ephemeral), server.Port);
        if (Get(_allowPlaintext) && Get(_requireTls))
        {
            throw new UsageException("--allow-plaintext and --require-tls contradict each other; choose one");
        }
        server.Plaintext = Get(_allowPlaintext) ? PlaintextPolicy.Allow : Get(_requireTls) ? PlaintextPolicy.Refuse : PlaintextPolicy.LoopbackOnly;
        // The key lives beside the data: a server that keeps its history keeps its identity; an ephemeral one keeps neither.
        if (Get(_key) is { } keyText && (string.IsNullOrWhiteSpace(keyText) || Directory.Exists(keyText)))
        {
            throw new UsageException($"--key {OptionRules.Quote(keyText)} is not a file name; give the file that holds (or will hold) the server's key");
        }
        string? keyFile = Get(_key) is { Length: > 0 } key ? Path.GetFullPath(key)
            : server.DataFile is { } data ? ServerKeyFile.Beside(data)
            : null;
        server.Operators = Operators(Get(_op), Get(_opFile));
        string? password = Get(_password) ?? Environment.GetEnvironmentVariable("TERMCHAT_SERVER_PASSWORD");
        server.Password = string.IsNullOrEmpty(password) ? null : password;
        if (server.Validate() is { } problem)
        {
            throw new UsageException(configPath is null ? problem : $"{problem.TrimEnd('.')} (settings from --config {OptionRules.Quote(configPath)} and the command line)");
        }
        return new ServeSettings(server, Get(_logLevel), Get(_noDiscovery), Get(_discoveryPort), configPath, keyFile);
    }

    /// <summary>The operators' key fingerprints from <c>--op</c> and the <c>--op-file</c>.</summary>
    /// <exception cref="UsageException">The file cannot be read.</exception>
    private static HashSet<string> Operators(string[] given, string? file)
    {
        var operators = new HashSet<string>(given.Select(fingerprint => fingerprint.Trim()).Where(fingerprint => fingerprint.Length > 0), StringComparer.Ordinal);
        if (file is null) return operators;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--op-file {OptionRules.Quote(file)} cannot be read: {exception.Message}");
        }
        foreach (string line in lines)
        {
            string fingerprint = line.Split('#', 2)[0].Trim();
            if (fingerprint.Length > 0) operators.Add(fingerprint);
        }
        return operators;
    }

    /// <summary>Checks serve options (the words after "serve") as `termchat serve` would, without serving.</summary>
    /// <exception cref="UsageException">An option is unknown or holds a bad value.</exception>
    public static void Check(IReadOnlyList<string> arguments)
    {
        var serve = new ServeArguments();
        var parsed = serve.Command.Parse(arguments);
        if (parsed.Errors.Count > 0)
        {
            throw new UsageException(CliErrors.Problem(parsed));
        }
        serve.Read(parsed);
    }

    private static TimeSpan Seconds(double value) => double.IsFinite(value) && Math.Abs(value) < TimeSpan.MaxValue.TotalSeconds
        ? TimeSpan.FromSeconds(value)
        : TimeSpan.FromSeconds(-1);
}
