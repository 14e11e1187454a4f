using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TermChat.Cli.Commands;
using TermChat.Client.Transports;
using TermChat.Server;

namespace TermChat.Cli;

/// <summary>`termchat` with no command: host a server on port 7777 in this process and join it.</summary>
internal static class HostAndJoin
{
    private const int Port = ChatEndpoint.DefaultPort;

    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        // The chat owns the terminal: the server only speaks up for warnings, on stderr.
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.ColorBehavior = LoggerColorBehavior.Disabled;
            })
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        await using var server = ChatServer.Create(new ServerOptions { Mode = ServerMode.Async, Port = Port }, loggerFactory);
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            Console.Error.WriteLine($"termchat: port {Port} is already in use; if a TermChat server runs there, join it with 'termchat join 127.0.0.1:{Port}', or host on another port with 'termchat serve --port N'");
            return 1;
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"termchat: cannot host on port {Port}: {e.Message}");
            return 1;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var serving = server.RunAsync(stop.Token);
        var tcp = server.TcpEndPoint!;
        Console.Error.WriteLine($"termchat: hosting a chat server ({server.Hub.ModeName} mode) on port {tcp.Port}, TCP{(server.UdpEndPoint is null ? "" : " and UDP")}; others can join with:");
        foreach (var address in ServerAddresses.Reachable(tcp))
        {
            Console.Error.WriteLine($"  termchat join {new ChatEndpoint(address.ToString(), tcp.Port)}");
        }

        int code = await JoinCommand.RunClientAsync(new ChatEndpoint(IPAddress.Loopback.ToString(), tcp.Port), nick: null, room: null, transport: "tcp",
            plain: false, json: false, cancellationToken);
        await stop.CancelAsync();
        await serving;
        return code;
    }
}
