using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TermChat.Server;
using TermChat.Server.Udp;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>`termchat serve`: parse options into <see cref="ServerOptions"/>, print the banner, run <see cref="ChatServer"/>.</summary>
internal static class ServeCommand
{
    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    public static Command Create()
    {
        var defaults = new ServerOptions();
        var mode = new Option<string>("--mode") { Description = "How the server moves bytes: select (one Socket.Select thread), threads (a thread per client) or async.", DefaultValueFactory = _ => "async" };
        mode.AcceptOnlyFromAmong("select", "threads", "async");
        var port = new Option<int>("--port", "-p") { HelpName = "PORT", Description = "TCP port (and UDP port when served); 0 picks a free one.", DefaultValueFactory = _ => defaults.Port };
        var bind = new Option<string?>("--bind") { HelpName = "ADDR", Description = "Listen on this address only (IPv4 or IPv6); default: every address." };
        var name = new Option<string>("--name") { HelpName = "NAME", Description = "Server name shown to clients.", DefaultValueFactory = _ => defaults.ServerName };
        var motd = new Option<string>("--motd") { HelpName = "TEXT", Description = "Message of the day sent to every client on connect.", DefaultValueFactory = _ => "" };
        var logLevel = new Option<string>("--log-level") { HelpName = "LEVEL", Description = "trace, debug, information, warning, error, critical or none.", DefaultValueFactory = _ => "information" };
        logLevel.AcceptOnlyFromAmong(LogLevels);
        var maxFrame = new Option<int>("--max-frame") { HelpName = "BYTES", Description = "Largest frame accepted from a client, in bytes.", DefaultValueFactory = _ => defaults.MaxFrameBytes };
        var handshake = new Option<double>("--handshake-timeout") { HelpName = "SECONDS", Description = "Seconds a new connection has to send Hello.", DefaultValueFactory = _ => defaults.HandshakeTimeout.TotalSeconds };
        var idle = new Option<double>("--idle-timeout") { HelpName = "SECONDS", Description = "Seconds of silence (pings unanswered) before a client is dropped.", DefaultValueFactory = _ => defaults.IdleTimeout.TotalSeconds };
        var keepalive = new Option<double>("--keepalive") { HelpName = "SECONDS", Description = "Seconds of silence before the server pings a client.", DefaultValueFactory = _ => defaults.KeepaliveInterval.TotalSeconds };
        var floodBurst = new Option<int>("--flood-burst") { HelpName = "N", Description = "Messages a client may send at once before flood control slows it.", DefaultValueFactory = _ => defaults.FloodBurst };
        var floodRate = new Option<double>("--flood-rate") { HelpName = "PER_SECOND", Description = "Steady messages per second after the burst; 0 turns flood control off.", DefaultValueFactory = _ => defaults.FloodRate };
        var maxSendq = new Option<int>("--max-sendq") { HelpName = "BYTES", Description = "Bytes queued for a client that does not read before it is disconnected.", DefaultValueFactory = _ => defaults.MaxSendQueueBytes };
        var maxClients = new Option<int>("--max-clients") { HelpName = "N", Description = "Most simultaneous connections.", DefaultValueFactory = _ => defaults.MaxClients };
        var maxPerIp = new Option<int>("--max-per-ip") { HelpName = "N", Description = "Most simultaneous connections from one IP address (loopback included).", DefaultValueFactory = _ => defaults.MaxPerIp };
        var history = new Option<int>("--history") { HelpName = "N", Description = "Messages and events kept per room for history and resume.", DefaultValueFactory = _ => defaults.HistorySize };
        var historyBytes = new Option<long>("--history-bytes") { HelpName = "BYTES", Description = "Encoded bytes of history kept per room (long messages keep fewer entries).", DefaultValueFactory = _ => defaults.HistoryBytes };
        var maxRoomsTotal = new Option<int>("--max-rooms") { HelpName = "N", Description = "Most rooms that may exist at once.", DefaultValueFactory = _ => defaults.MaxRooms };
        var resumeWindow = new Option<double>("--resume-window") { HelpName = "SECONDS", Description = "Seconds a dropped session can be resumed with its token.", DefaultValueFactory = _ => defaults.ResumeWindow.TotalSeconds };
        var maxRooms = new Option<int>("--max-rooms-per-user") { HelpName = "N", Description = "Most rooms one user may be in.", DefaultValueFactory = _ => defaults.MaxRoomsPerUser };
        var statsInterval = new Option<double>("--stats-interval") { HelpName = "SECONDS", Description = "Seconds between stats log lines; 0 turns them off.", DefaultValueFactory = _ => defaults.StatsInterval.TotalSeconds };

        var noDiscovery = ServeDiscovery.CreateOffOption();
        var discoveryPort = ServeDiscovery.CreatePortOption();
        var command = new Command("serve", "Run a headless chat server.")
        {
            mode, port, bind, name, motd, logLevel, maxFrame, handshake, idle, keepalive, floodBurst, floodRate,
            maxSendq, maxClients, maxPerIp, history, historyBytes, maxRoomsTotal, resumeWindow, maxRooms, statsInterval,
            noDiscovery, discoveryPort,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            IPAddress? bindAddress = null;
            if (parseResult.GetValue(bind) is { Length: > 0 } bindText && !IPAddress.TryParse(bindText.Trim('[', ']'), out bindAddress))
            {
                throw new UsageException($"--bind {OptionRules.Quote(bindText)} is not an IP address; give an address of this host such as 192.168.1.20 or ::1, or leave --bind out to listen everywhere");
            }
            var options = new ServerOptions
            {
                Mode = Enum.Parse<ServerMode>(parseResult.GetValue(mode)!, ignoreCase: true),
                Port = parseResult.GetValue(port),
                Bind = bindAddress,
                ServerName = parseResult.GetValue(name)!,
                Motd = parseResult.GetValue(motd)!,
                MaxFrameBytes = parseResult.GetValue(maxFrame),
                HandshakeTimeout = Seconds(parseResult.GetValue(handshake)),
                IdleTimeout = Seconds(parseResult.GetValue(idle)),
                KeepaliveInterval = Seconds(parseResult.GetValue(keepalive)),
                FloodBurst = parseResult.GetValue(floodBurst),
                FloodRate = parseResult.GetValue(floodRate),
                MaxSendQueueBytes = parseResult.GetValue(maxSendq),
                MaxClients = parseResult.GetValue(maxClients),
                MaxPerIp = parseResult.GetValue(maxPerIp),
                HistorySize = parseResult.GetValue(history),
                HistoryBytes = parseResult.GetValue(historyBytes),
                MaxRooms = parseResult.GetValue(maxRoomsTotal),
                ResumeWindow = Seconds(parseResult.GetValue(resumeWindow)),
                MaxRoomsPerUser = parseResult.GetValue(maxRooms),
                StatsInterval = Seconds(parseResult.GetValue(statsInterval)),
            };
            if (options.Validate() is { } problem)
            {
                throw new UsageException(problem);
            }
            return await RunAsync(options, ParseLevel(parseResult.GetValue(logLevel)!), (parseResult.GetValue(noDiscovery), parseResult.GetValue(discoveryPort)), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServerOptions options, LogLevel level, (bool Off, int Port) discovery, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
                console.ColorBehavior = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? LoggerColorBehavior.Disabled : LoggerColorBehavior.Default;
            })
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter("Microsoft", LogLevel.Warning));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Ctrl+C and SIGTERM both mean "shut down gracefully": tell clients, drain, exit 0. A second
        // signal while draining is not intercepted, so the process ends at once.
        int signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.Increment(ref signals) > 1) return;
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        await using var server = ChatServer.Create(options, loggerFactory, UdpChatHandler.Factory(loggerFactory));
        try
        {
            await server.StartAsync(stop.Token).ConfigureAwait(false);
        }
        catch (SocketException exception)
        {
            Console.Error.WriteLine($"termchat serve: {DescribeBindFailure(exception, options)}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        var (responder, discoveryBanner) = ServeDiscovery.Start(server, discovery.Off, discovery.Port, loggerFactory);
        await using (responder)
        {
            PrintBanner(server, discoveryBanner);
            await server.RunAsync(stop.Token).ConfigureAwait(false);
        }
        Console.Out.WriteLine("termchat serve: stopped.");
        return 0;
    }

    private static void PrintBanner(ChatServer server, string discovery)
    {
        var tcp = server.TcpEndPoint!;
        var output = Console.Out;
        output.WriteLine($"TermChat server \"{server.Options.ServerName}\" running in {server.Hub.ModeName} mode");
        output.WriteLine($"  TCP port {tcp.Port}");
        output.WriteLine(server.UdpEndPoint is { } udp
            ? $"  UDP port {udp.Port}"
            : "  UDP port: not served by this build (TCP only)");
        output.WriteLine("  Clients can join with:");
        foreach (var address in ServerAddresses.Reachable(tcp))
        {
            output.WriteLine($"    termchat join {ServerAddresses.Format(address, tcp.Port)}");
        }
        output.WriteLine(discovery);
        output.WriteLine("  Press Ctrl+C to stop.");
        output.Flush();
    }

    internal static string DescribeBindFailure(SocketException exception, ServerOptions options)
    {
        string where = options.Bind is { } address ? ServerAddresses.Format(address, options.Port) : $"port {options.Port}";
        return exception.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse =>
                $"port {options.Port} is already in use (another termchat serve?); stop that program or choose another port with --port N (0 picks a free one).",
            SocketError.AddressNotAvailable =>
                $"cannot listen on {options.Bind}: that address is not on this host; use one of this machine's addresses with --bind, or leave --bind out to listen on all of them.",
            SocketError.AccessDenied =>
                $"not allowed to listen on {where} (ports below 1024 need privileges); choose another port with --port N.",
            _ => $"cannot listen on {where}: {exception.Message}.",
        };
    }

    private static TimeSpan Seconds(double value) => double.IsFinite(value) && Math.Abs(value) < TimeSpan.MaxValue.TotalSeconds
        ? TimeSpan.FromSeconds(value)
        : TimeSpan.FromSeconds(-1);

    private static LogLevel ParseLevel(string text) => text.ToLower(CultureInfo.InvariantCulture) switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => LogLevel.Information,
    };
}
