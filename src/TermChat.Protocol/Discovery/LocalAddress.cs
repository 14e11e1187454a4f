using System.Net;

namespace TermChat.Protocol.Discovery;

/// <summary>One unicast address of a local network interface.</summary>
/// <param name="InterfaceName">The interface name (eth0, wlan0, veth…).</param>
/// <param name="InterfaceIndex">The operating system's interface index.</param>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">The subnet prefix length of the address (not assumed to be /24).</param>
/// <param name="IsLoopback">Whether the interface is a loopback interface.</param>
/// <param name="SupportsMulticast">Whether the interface can send and receive multicast.</param>
public sealed record LocalAddress(string InterfaceName, int InterfaceIndex, IPAddress Address, int PrefixLength, bool IsLoopback, bool SupportsMulticast)
{
    /// <summary>The directed broadcast address of the address's subnet, or <see langword="null"/> for IPv6, /31 and /32.</summary>
    public IPAddress? Broadcast => LocalInterfaces.DirectedBroadcast(Address, PrefixLength);

    public override string ToString() => $"{Address}/{PrefixLength} on {InterfaceName}";
}
