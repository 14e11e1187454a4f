using System.Globalization;
using System.Net.Sockets;
using TermChat.Client.Discovery;
using TermChat.Client.Transports;

namespace TermChat.Cli.Commands;

/// <summary>`termchat join` without an address: find the one server on the LAN, or say clearly why not.</summary>
internal static class JoinDiscovery
{
    /// <summary>How long join listens for discovery replies.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1.5);

    /// <summary>Exit code when no server answered.</summary>
    public const int ExitNone = 1;

    /// <summary>Exit code when several servers answered and the user must choose.</summary>
    public const int ExitSeveral = 2;

    /// <summary>
    /// Discovers servers; returns the endpoint of the single compatible one, or null and an exit code after
    /// telling the user (on <paramref name="error"/>) that there are none or several, with the commands to choose.
    /// </summary>
    public static async Task<(ChatEndpoint? Endpoint, int ExitCode)> FindAsync(TextWriter error, DiscoveryClientOptions options, CancellationToken cancellationToken)
    {
        error.WriteLine("termchat join: no address given; looking for servers on the LAN...");
        IReadOnlyList<DiscoveredServer> servers;
        try
        {
            servers = await new DiscoveryClient(options).DiscoverAsync(Window, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException exception)
        {
            error.WriteLine($"termchat join: cannot look for servers ({exception.Message}); give the address: termchat join HOST[:PORT]");
            return (null, ExitNone);
        }
        return Choose(servers, error, options.Port);
    }

    /// <summary>The single compatible server's endpoint, or null, an exit code and a message for none or several.</summary>
    internal static (ChatEndpoint? Endpoint, int ExitCode) Choose(IReadOnlyList<DiscoveredServer> servers, TextWriter error, int port = Protocol.Discovery.DiscoveryDefaults.Port)
    {
        var usable = servers.Where(s => s.IsCompatible).ToList();
        if (usable.Count == 1)
        {
            var server = usable[0];
            error.WriteLine($"termchat join: found {server.Name} at {DiscoverCommand.Format(server.PreferredEndPoint)}");
            return (new ChatEndpoint(server.PreferredAddress.ToString(), server.TcpPort), 0);
        }
        if (usable.Count == 0)
        {
            error.WriteLine("termchat join: " + DiscoverCommand.NoneFoundHint(port)
                + (servers.Count > 0 ? $" ({servers.Count} server(s) answered but speak another protocol version.)" : ""));
            return (null, ExitNone);
        }
        error.WriteLine($"termchat join: found {usable.Count} servers; choose one:");
        foreach (var server in usable)
        {
            string users = server.Users == 1 ? "1 user" : server.Users.ToString(CultureInfo.InvariantCulture) + " users";
            error.WriteLine($"  termchat join {DiscoverCommand.Format(server.PreferredEndPoint),-24} # {server.Name} ({server.Mode}, {users})");
        }
        return (null, ExitSeveral);
    }
}
