using System.Net;

namespace TermChat.Protocol.Security;

/// <summary>
/// Which addresses count as loopback for the encryption policy (docs/SECURITY.md): traffic to them never leaves the
/// machine, so it may be plaintext. One definition for the client's choice and the server's acceptance, so the two
/// cannot disagree about a link.
/// </summary>
public static class Loopback
{
    /// <summary>
    /// Whether <paramref name="address"/> is loopback (127.0.0.0/8 or ::1), including IPv4 loopback seen through a
    /// dual-mode socket (::ffff:127.0.0.1).
    /// </summary>
    public static bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }
}
