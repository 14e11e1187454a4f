using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TermChat.Protocol.Discovery;
using TermChat.Server;
using TermChat.Server.Discovery;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>The discovery part of `termchat serve`: its options, and the responder started next to the chat server.</summary>
internal static class ServeDiscovery
{
    public static Option<bool> CreateOffOption() => new("--no-discovery")
    {
        Description = $"Do not answer LAN discovery probes (nor netcheck's UDP echo) on the discovery port.",
    };

    public static Option<int> CreatePortOption() => new Option<int>("--discovery-port")
    {
        Description = $"UDP port answering LAN discovery (broadcast, and multicast group {DiscoveryDefaults.MulticastGroup}) and netcheck echoes.",
        DefaultValueFactory = _ => DiscoveryDefaults.Port,
    }.Port(allowZero: true);

    /// <summary>The TermChat version advertised in discovery replies.</summary>
    public static string AppVersion => ProductVersion.Version;

    /// <summary>
    /// Starts answering discovery for <paramref name="server"/>. Returns the responder (null when off) and the
    /// banner line that says so. A busy discovery port does not stop the chat server: the line says why
    /// discovery is off and the server runs undiscoverable.
    /// </summary>
    public static (DiscoveryResponder? Responder, string Banner) Start(ChatServer server, bool off, int port, ILoggerFactory loggerFactory)
    {
        if (off)
        {
            return (null, "  Discovery: off (--no-discovery); clients join by address");
        }
        var tcp = server.TcpEndPoint!;
        var responder = new DiscoveryResponder(
            new DiscoveryResponderOptions
            {
                Port = port,
                BindAddress = server.Options.Bind ?? tcp.Address,
                TcpPort = tcp.Port,
                UdpPort = server.UdpEndPoint?.Port ?? 0,
                AppVersion = AppVersion,
                KeyFingerprint = server.KeyFingerprint,
                Cluster = server.Options.Cluster?.Name ?? "",
            },
            () => new DiscoveryStatus(server.Options.ServerName, server.Mode.ToName(), server.SessionCount),
            loggerFactory.CreateLogger<DiscoveryResponder>());
        try
        {
            responder.Start();
        }
        catch (SocketException exception)
        {
            return (null, $"  Discovery: off — cannot use UDP port {port} ({exception.SocketErrorCode}); clients join by address, or choose another port with --discovery-port N");
        }
        return (responder, $"  Discovery: answering on UDP port {responder.Port} and multicast group {DiscoveryDefaults.MulticastGroup} (turn off with --no-discovery)");
    }
}
