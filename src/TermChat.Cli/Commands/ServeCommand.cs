using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TermChat.Protocol.Security;
using TermChat.Server;
using TermChat.Server.Cluster;
using TermChat.Server.Security;
using TermChat.Server.Storage;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>`termchat serve`: parse options into <see cref="ServerOptions"/>, print the banner, run <see cref="ChatServer"/>.</summary>
internal static class ServeCommand
{
    /// <summary>The `serve` command: its options are <see cref="ServeArguments"/>; its action runs the server.</summary>
    public static Command Create()
    {
        var arguments = new ServeArguments();
        arguments.Command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = arguments.Read(parseResult);
            Func<ServerOptions>? reload = settings.ConfigPath is null ? null : () => arguments.Read(parseResult).Server;
            if (settings.KeyFile is { } keyFile)
            {
                try
                {
                    settings.Server.Certificate = KeyFile.LoadOrCreate(keyFile, out _);
                }
                catch (KeyFileException problem)
                {
                    Console.Error.WriteLine($"termchat serve: {problem.Message}");
                    return 1;
                }
            }
            return await RunAsync(settings.Server, ParseLevel(settings.LogLevel), (settings.DiscoveryOff, settings.DiscoveryPort), reload, cancellationToken).ConfigureAwait(false);
        });
        return arguments.Command;
    }

    private static async Task<int> RunAsync(ServerOptions options, LogLevel level, (bool Off, int Port) discovery, Func<ServerOptions>? reload, CancellationToken cancellationToken)
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

        ChatServer created;
        try
        {
            created = ChatServer.Create(options, loggerFactory);
        }
        catch (Exception problem) when (problem is StoreOpenException or ClusterOpenException)
        {
            Console.Error.WriteLine($"termchat serve: {problem.Message}");
            return 1;
        }
        await using var server = created;
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
        // SIGHUP (systemctl reload) rereads --config and applies what can change live; a bad file changes nothing.
        void OnHangup(PosixSignalContext context)
        {
            context.Cancel = true;
            Console.Out.WriteLine(Reload(server.Options, reload));
        }
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
        var (responder, discoveryBanner) = ServeDiscovery.Start(server, discovery.Off, discovery.Port, loggerFactory);
        await using (responder)
        {
            PrintBanner(server, discoveryBanner);
            await server.RunAsync(stop.Token).ConfigureAwait(false);
        }
        Console.Out.WriteLine("termchat serve: stopped.");
        return 0;
    }

    /// <summary>One reload: the line that says what changed, what needs a restart, or why nothing did.</summary>
    internal static string Reload(ServerOptions running, Func<ServerOptions>? read)
    {
        if (read is null)
        {
            return "termchat serve: SIGHUP: nothing to reload (started without --config)";
        }
        try
        {
            var (applied, restart) = LiveSettings.Apply(running, read());
            string changed = applied.Count == 0 ? "no live setting changed" : "applied " + string.Join(", ", applied);
            return restart.Count == 0
                ? $"termchat serve: reloaded --config: {changed}"
                : $"termchat serve: reloaded --config: {changed}; {string.Join(", ", restart)} changed too but take effect only after a restart";
        }
        catch (UsageException problem)
        {
            return $"termchat serve: SIGHUP: --config not reloaded, the running settings are kept: {problem.Message}";
        }
    }

    private static void PrintBanner(ChatServer server, string discovery)
    {
        var tcp = server.TcpEndPoint!;
        var output = Console.Out;
        output.WriteLine($"TermChat server \"{server.Options.ServerName}\" running in {server.Mode.ToName()} mode");
        output.WriteLine($"  TCP port {tcp.Port}");
        output.WriteLine(server.UdpEndPoint is { } udp
            ? $"  UDP port {udp.Port}"
            : "  UDP port: not served by this build (TCP only)");
        if (server.IrcEndPoint is { } irc) output.WriteLine($"  IRC port {irc.Port} (irssi: /connect -tls -notls_verify <this host> {irc.Port}; TLS as the policy below says; SASL EXTERNAL and PLAIN)");
        if (server.LineEndPoint is { } line) output.WriteLine($"  Line port {line.Port} (nc <this host> {line.Port}, or telnet)");
        output.WriteLine("  Clients can join with:");
        foreach (var address in ServerAddresses.Reachable(tcp))
        {
            output.WriteLine($"    termchat join {ServerAddresses.Format(address, tcp.Port)}");
        }
        output.WriteLine(server.Options.Cluster is { } cluster
            ? $"  History: in cluster {cluster.Name} on {string.Join(',', cluster.Urls)} (NATS JetStream; every node shares every room)"
            : DataOptions.Describe(server.DataFile, server.Options.Port));
        output.WriteLine($"  Server key {server.KeyFingerprint} (clients show it on first contact: compare)");
        output.WriteLine(server.Options.Plaintext switch
        {
            PlaintextPolicy.Allow => "  Encryption: TLS (TCP) and DTLS (UDP), and PLAINTEXT ACCEPTED from anyone (--allow-plaintext): unencrypted clients can be read on the network",
            PlaintextPolicy.Refuse => "  Encryption: TLS (TCP) and DTLS (UDP) only, loopback included (--require-tls)",
            _ => "  Encryption: TLS (TCP) and DTLS (UDP) required from other machines; plaintext only from this machine (loopback)",
        });
        output.WriteLine(discovery);
        output.WriteLine("  Press Ctrl+C to stop.");
        output.Flush();
    }

    internal static string DescribeBindFailure(SocketException exception, ServerOptions options)
    {
        if (exception.Data[ChatServer.BindFailurePort] is string option)
        {
            int? other = option == "--irc-port" ? options.IrcPort : options.LinePort;
            return exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"{option} {other} is already in use; stop that program or choose another port with {option} N (0 picks a free one)."
                : $"cannot listen on {option} {other}: {exception.Message}.";
        }
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
