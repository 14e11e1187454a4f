using System.Net;

namespace TermChat.Protocol.Discovery;

/// <summary>
/// Defaults and limits of LAN discovery and the netcheck echo (PROTOCOL.md, "Discovery").
/// Every size limit exists so that a reply can never be larger than the probe that asked for it.
/// </summary>
public static class DiscoveryDefaults
{
    /// <summary>The UDP port the server's discovery responder listens on.</summary>
    public const int Port = 7778;

    /// <summary>The IPv4 multicast group probes are also sent to (administratively scoped, 239.0.0.0/8).</summary>
    public static IPAddress MulticastGroup { get; } = IPAddress.Parse("239.255.77.77");

    /// <summary>The datagram format version this library speaks.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Bytes of the common header: magic, format version, type.</summary>
    public const int HeaderBytes = 6;

    /// <summary>
    /// Smallest probe a responder answers. Probes are padded to this size, and every reply fits in it,
    /// so answering a probe never sends more bytes than it received.
    /// </summary>
    public const int ProbeBytes = 512;

    /// <summary>Largest discovery reply; equal to <see cref="ProbeBytes"/> by design.</summary>
    public const int MaxReplyBytes = ProbeBytes;

    /// <summary>Most addresses a reply carries.</summary>
    public const int MaxAddresses = 16;

    /// <summary>Largest server name in a reply, in UTF-8 bytes (longer names are cut at a character boundary).</summary>
    public const int MaxNameBytes = 64;

    /// <summary>Largest application version string in a reply, in UTF-8 bytes.</summary>
    public const int MaxVersionBytes = 32;

    /// <summary>Largest mode string in a reply, in UTF-8 bytes.</summary>
    public const int MaxModeBytes = 16;

    /// <summary>The longest key fingerprint a reply carries, in bytes (a SHA-256 fingerprint is 50).</summary>
    public const int MaxKeyBytes = 60;

    /// <summary>The longest cluster name a reply carries, in bytes (<c>--cluster-name</c> allows 32 ASCII characters).</summary>
    public const int MaxClusterBytes = 32;

    /// <summary>Bytes an echo request or reply needs before its padding.</summary>
    public const int EchoHeaderBytes = HeaderBytes + 8 + 4 + 4 + 4 + 1;

    /// <summary>Largest UDP payload over IPv4 (65535 - 20 IP header - 8 UDP header).</summary>
    public const int MaxDatagramBytes = 65507;
}
