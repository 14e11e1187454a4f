using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace TermChat.Server;

/// <summary>The addresses clients on other machines can use to reach a bound server.</summary>
public static class ServerAddresses
{
    /// <summary>
    /// Every usable unicast address of every interface that is up (IPv4 first), for a wildcard bind; the
    /// bound address itself otherwise. Loopback is listed only when nothing else exists; link-local IPv6
    /// (which needs a scope id to type) is skipped; never 0.0.0.0 or ::.
    /// </summary>
    public static IReadOnlyList<IPAddress> Reachable(IPEndPoint bound)
    {
        var address = bound.Address;
        if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
        {
            return [address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address];
        }
        bool includeV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var found = new List<IPAddress>();
        var loopback = new List<IPAddress>();
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            interfaces = [];
        }
        foreach (var nic in interfaces)
        {
            if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown)) continue;
            IPInterfaceProperties properties;
            try
            {
                properties = nic.GetIPProperties();
            }
            catch (NetworkInformationException)
            {
                continue;
            }
            foreach (var unicast in properties.UnicastAddresses)
            {
                var ip = unicast.Address;
                if (ip.AddressFamily == AddressFamily.InterNetworkV6 && (!includeV6 || ip.IsIPv6LinkLocal || ip.IsIPv6Multicast)) continue;
                if (IPAddress.IsLoopback(ip))
                {
                    loopback.Add(ip);
                    continue;
                }
                if (!found.Contains(ip)) found.Add(ip);
            }
        }
        var result = found.Count > 0 ? found : loopback;
        if (result.Count == 0) result = [IPAddress.Loopback];
        return result.OrderBy(ip => ip.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToList();
    }

    /// <summary>"host:port" as a user types it, with brackets for IPv6.</summary>
    public static string Format(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
