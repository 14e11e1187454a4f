using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace TermChat.Protocol.Discovery;

/// <summary>
/// The machine's interface addresses, and the pure rules that pick which of them a server advertises.
/// Shared by the server (its banner and discovery replies) and the client (where to send probes).
/// </summary>
public static class LocalInterfaces
{
    /// <summary>
    /// Every unicast address of every interface that is up, IPv4 first. Interfaces that report an unknown
    /// state (loopback and some virtual links do) count as up.
    /// </summary>
    public static IReadOnlyList<LocalAddress> GetAddresses()
    {
        var result = new List<LocalAddress>();
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return result;
        }
        foreach (var nic in interfaces)
        {
            if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown))
            {
                continue;
            }
            IPInterfaceProperties properties;
            try
            {
                properties = nic.GetIPProperties();
            }
            catch (NetworkInformationException)
            {
                continue;
            }
            bool loopback = nic.NetworkInterfaceType == NetworkInterfaceType.Loopback;
            foreach (var unicast in properties.UnicastAddresses)
            {
                var address = unicast.Address;
                int index = InterfaceIndex(properties, address.AddressFamily);
                result.Add(new LocalAddress(nic.Name, index, address, unicast.PrefixLength, loopback || IPAddress.IsLoopback(address), nic.SupportsMulticast && !loopback));
            }
        }
        return result.OrderBy(a => a.Address.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToList();
    }

    private static int InterfaceIndex(IPInterfaceProperties properties, AddressFamily family)
    {
        try
        {
            return family == AddressFamily.InterNetwork
                ? properties.GetIPv4Properties()?.Index ?? 0
                : properties.GetIPv6Properties()?.Index ?? 0;
        }
        catch (NetworkInformationException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The directed broadcast address of <paramref name="address"/>'s subnet, computed from its real prefix
    /// length: 10.99.4.1/22 gives 10.99.7.255. <see langword="null"/> for IPv6 and for /31 and /32, which have none.
    /// </summary>
    public static IPAddress? DirectedBroadcast(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork || prefixLength is < 0 or >= 31)
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        uint hostMask = prefixLength == 0 ? uint.MaxValue : uint.MaxValue >> prefixLength;
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value | hostMask);
        return new IPAddress(bytes);
    }

    /// <summary>
    /// The addresses a server bound to <paramref name="bind"/> advertises: the bound address itself when it is
    /// specific; otherwise every usable interface address (never 0.0.0.0, loopback only when nothing else
    /// exists, no IPv6 link-local, IPv6 only when the server listens on IPv6), those of the interface the probe
    /// arrived on first, then IPv4 before IPv6, at most <see cref="DiscoveryDefaults.MaxAddresses"/>.
    /// </summary>
    /// <param name="addresses">The machine's addresses, as <see cref="GetAddresses"/> returns them.</param>
    /// <param name="bind">The address the chat server listens on.</param>
    /// <param name="arrivalInterface">The index of the interface the probe arrived on, or 0 when unknown.</param>
    public static IReadOnlyList<AdvertisedAddress> SelectAdvertised(IReadOnlyList<LocalAddress> addresses, IPAddress bind, int arrivalInterface)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(bind);
        if (!bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            var own = addresses.FirstOrDefault(a => a.Address.Equals(bind));
            int prefix = own?.PrefixLength ?? (bind.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return [new AdvertisedAddress(bind, (byte)prefix)];
        }
        bool ipv6 = bind.Equals(IPAddress.IPv6Any);
        var usable = addresses
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork || (ipv6 && a.Address.AddressFamily == AddressFamily.InterNetworkV6))
            .Where(a => !a.Address.Equals(IPAddress.Any) && !a.Address.Equals(IPAddress.IPv6Any)
                && !a.Address.IsIPv6LinkLocal && !a.Address.IsIPv6Multicast && !a.Address.IsIPv4MappedToIPv6)
            .ToList();
        var chosen = usable.Where(a => !a.IsLoopback).ToList();
        if (chosen.Count == 0)
        {
            chosen = usable;
        }
        return chosen
            .OrderBy(a => arrivalInterface != 0 && a.InterfaceIndex == arrivalInterface ? 0 : 1)
            .ThenBy(a => a.Address.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .Select(a => new AdvertisedAddress(a.Address, (byte)a.PrefixLength))
            .DistinctBy(a => a.Address)
            .Take(DiscoveryDefaults.MaxAddresses)
            .ToList();
    }
}
