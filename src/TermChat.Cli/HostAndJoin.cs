using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using TermChat.Cli.Commands;
using TermChat.Cli.Usage;
using TermChat.Client.Transports;
using TermChat.Protocol.Security;
using TermChat.Server;
using TermChat.Server.Storage;

namespace TermChat.Cli;

/// <summary>`termchat` with no command: host a server (port 7777 unless --port) in this process and join it.</summary>
internal static class HostAndJoin
{
    /// <summary>The port to host on, as `serve --port`.</summary>
    public static readonly Option<int> PortOption = new Option<int>("--port", "-p")
    {
        HelpName = "PORT",
        Description = "Host on this TCP (and UDP) port; 0 picks a free one.",
        DefaultValueFactory = _ => ChatEndpoint.DefaultPort,
    }.Port(allowZero: true);

    /// <summary>The hosted server's concurrency mode, as `serve --mode`.</summary>
    public static readonly Option<ServerMode> ModeOption = ServerModeOption.Create(
        "How the hosted server moves bytes: select (one thread), threads (two threads per client) or async (the thread pool).");

    /// <summary>Also host IRC on port 6667, as `serve --irc-port 6667`.</summary>
    public static readonly Option<bool> IrcOption = new("--irc")
    {
        Description = $"Also let IRC clients (irssi, weechat) join, on port {IrcPort}.",
    };

    /// <summary>IRC's usual port, where --irc hosts it.</summary>
    private const int IrcPort = 6667;

    /// <summary>Your nick, as `join --nick`.</summary>
    public static readonly Option<string?> NickOption = new Option<string?>("--nick", "-n")
    {
        Description = "The nick to use (default: your user name).",
    }.Nick();

    /// <summary>The transport the client uses, as `join --transport`.</summary>
    public static readonly Option<string> TransportOption = CreateTransport();

    /// <summary>--scrollback and --theme, as for `join`.</summary>
    public static readonly Option<int> ScrollbackOption = JoinCommand.ScrollbackOption();

    /// <inheritdoc cref="ScrollbackOption"/>
    public static readonly Option<string?> ThemeOption = JoinCommand.ThemeOption();

    /// <summary>--data and --ephemeral, as for `serve`.</summary>
    public static readonly DataOptions Data = new();

    private static Option<string> CreateTransport()
    {
        var option = new Option<string>("--transport", "-t") { Description = "How the client talks to the hosted server: tcp or udp.", DefaultValueFactory = _ => "tcp" };
        option.AcceptOnlyFromAmong("tcp", "udp");
        return option;
    }

    /// <summary>Keeps the hosted server off the LAN: no discovery answers and no multicast membership.</summary>
    public static readonly Option<bool> NoDiscovery = new("--no-discovery")
    {
        Description = "Do not answer LAN discovery probes (the hosted server stays invisible to 'termchat discover').",
    };

    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        // The full-screen view owns the terminal, where a server warning would tear through the chat, so the hosted
        // server logs nothing then; in plain mode its warnings go to stderr, apart from the chat lines on stdout.
        bool fullScreen = JoinCommand.UsesFullScreen(plain: false, json: false);
        using ILoggerFactory loggerFactory = fullScreen
            ? NullLoggerFactory.Instance
            : LoggerFactory.Create(builder => builder
                .SetMinimumLevel(LogLevel.Warning)
                .AddSimpleConsole(console =>
                {
                    console.SingleLine = true;
                    console.ColorBehavior = LoggerColorBehavior.Disabled;
                })
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        int port = parseResult.GetValue(PortOption);
        string? dataFile = DataOptions.Resolve(parseResult.GetValue(Data.Data), parseResult.GetValue(Data.Ephemeral), port);
        ChatServer created;
        try
        {
            var options = new ServerOptions
            {
                Mode = parseResult.GetValue(ModeOption),
                Port = port,
                IrcPort = parseResult.GetValue(IrcOption) ? IrcPort : null,
                DataFile = dataFile,
                // The hosted server keeps its key beside its data, as `serve` does: others who join it pin that key.
                Certificate = dataFile is null ? null : KeyFile.LoadOrCreate(Commands.ServerKeyFile.Beside(dataFile), out _),
            };
            created = ChatServer.Create(options, loggerFactory);
        }
        catch (Exception problem) when (problem is StoreOpenException or KeyFileException)
        {
            Console.Error.WriteLine($"termchat: {problem.Message}");
            return 1;
        }
        await using var server = created;
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch (SocketException e) when (e.Data[ChatServer.BindFailurePort] is "--irc-port")
        {
            Console.Error.WriteLine($"termchat: cannot host IRC on port {IrcPort}: {e.Message} (an IRC server runs there?); leave out --irc, or run 'termchat serve --irc-port N'");
            return 1;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            Console.Error.WriteLine($"termchat: port {port} is already in use; if a TermChat server runs there, join it with 'termchat join 127.0.0.1:{port}', or host on another port with 'termchat --port N'");
            return 1;
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"termchat: cannot host on port {port}: {e.Message}");
            return 1;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var serving = server.RunAsync(stop.Token);
        var tcp = server.TcpEndPoint!;
        // The hosted server answers LAN discovery too, so others find it with 'termchat join' alone (docs/DISCOVERY.md).
        await using var discovery = Commands.ServeDiscovery.Start(server, off: parseResult.GetValue(NoDiscovery), TermChat.Protocol.Discovery.DiscoveryDefaults.Port, loggerFactory).Responder;
        string hosting = $"hosting a chat server ({server.Mode.ToName()} mode) on port {tcp.Port}, TCP{(server.UdpEndPoint is null ? "" : " and UDP")}" +
            (server.IrcEndPoint is { } irc ? $", and IRC on port {irc.Port}" : "");
        var joins = ServerAddresses.Reachable(tcp).Select(address => $"termchat join {new ChatEndpoint(address.ToString(), tcp.Port)}").ToList();
        Console.Error.WriteLine($"termchat: {hosting}; others can join with:");
        foreach (string join in joins)
        {
            Console.Error.WriteLine($"  {join}");
        }
        Console.Error.WriteLine($"termchat: {DataOptions.Describe(server.DataFile, port).Trim()}");
        Console.Error.WriteLine($"termchat: server key {server.KeyFingerprint} (others see it when they first join: compare)");

        // The same addresses open the message pane, as its first notice.
        IReadOnlyList<string> greeting = joins.Count > 0
            ? [$"{hosting}; others can join with: {string.Join(" or ", joins)}"]
            : [$"{hosting}; no network address found, so only this machine can join (termchat join 127.0.0.1:{tcp.Port})"];
        int code = await JoinCommand.RunClientAsync(new ChatEndpoint(IPAddress.Loopback.ToString(), tcp.Port), [], parseResult.GetValue(NickOption), room: "#lobby",
            parseResult.GetValue(TransportOption) ?? "tcp", plain: false, json: false, greeting,
            new FullScreenSettings(parseResult.GetValue(ScrollbackOption), parseResult.GetValue(ThemeOption)), new TcpTransportOptions(), cancellationToken);
        await stop.CancelAsync();
        await serving;
        return code;
    }
}
