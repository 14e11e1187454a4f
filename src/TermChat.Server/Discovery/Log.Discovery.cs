using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace TermChat.Server;

// The discovery responder's part of the server's log messages (event ids 900–919).
internal static partial class Log
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Discovery: answering on UDP port {Port}, multicast group {Group} on {Interfaces} interface(s)")]
    public static partial void DiscoveryStarted(ILogger logger, int port, string group, int interfaces);

    [LoggerMessage(EventId = 901, Level = LogLevel.Debug, Message = "Discovery: joined {Group} on {Interface}")]
    public static partial void DiscoveryJoinedGroup(ILogger logger, IPAddress group, string @interface);

    [LoggerMessage(EventId = 902, Level = LogLevel.Warning, Message = "Discovery: could not join {Group} on {Interface} ({Error}); broadcast probes still work there")]
    public static partial void DiscoveryJoinFailed(ILogger logger, IPAddress group, string @interface, SocketError error);

    [LoggerMessage(EventId = 903, Level = LogLevel.Debug, Message = "Discovery: ignored a malformed datagram of {Bytes} bytes from {Source}")]
    public static partial void DiscoveryIgnored(ILogger logger, IPEndPoint source, int bytes);

    [LoggerMessage(EventId = 904, Level = LogLevel.Debug, Message = "Discovery: rate limit reached for {Source}; request dropped")]
    public static partial void DiscoveryRateLimited(ILogger logger, IPEndPoint source);

    [LoggerMessage(EventId = 905, Level = LogLevel.Debug, Message = "Discovery: receive failed ({Error})")]
    public static partial void DiscoveryReceiveFailed(ILogger logger, SocketError error);

    [LoggerMessage(EventId = 906, Level = LogLevel.Debug, Message = "Discovery: reply to {Destination} failed ({Error})")]
    public static partial void DiscoverySendFailed(ILogger logger, IPEndPoint destination, SocketError error);

    [LoggerMessage(EventId = 907, Level = LogLevel.Debug, Message = "Discovery: no IPv6 socket on port {Port} ({Error}); IPv4 only")]
    public static partial void DiscoveryIpv6Unavailable(ILogger logger, int port, SocketError error);
}
