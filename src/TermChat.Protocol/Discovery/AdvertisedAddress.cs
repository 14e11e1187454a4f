using System.Net;

namespace TermChat.Protocol.Discovery;

/// <summary>An address a server can be reached on, with the prefix length of its interface's subnet.</summary>
public readonly record struct AdvertisedAddress(IPAddress Address, byte PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
