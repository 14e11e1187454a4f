using System.Net;
using Microsoft.Extensions.Logging;

namespace TermChat.Server;

/// <summary>Source-generated log methods for the server.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Listening in {Mode} mode on {Endpoint}")]
    public static partial void Listening(ILogger logger, string mode, EndPoint endpoint);

    [LoggerMessage(2, LogLevel.Debug, "Connection {Id} from {Remote} accepted")]
    public static partial void Accepted(ILogger logger, long id, EndPoint remote);

    [LoggerMessage(3, LogLevel.Debug, "Connection {Id} closed: {Reason} ({Detail})")]
    public static partial void Closed(ILogger logger, long id, DisconnectReason reason, string detail);

    [LoggerMessage(4, LogLevel.Information, "{Nick} registered from {Remote} (connection {Id}, resumed: {Resumed})")]
    public static partial void Registered(ILogger logger, string nick, EndPoint remote, long id, bool resumed);

    [LoggerMessage(5, LogLevel.Warning, "Connection {Id} from {Remote} sent an invalid frame: {Code} {Text}")]
    public static partial void ProtocolViolation(ILogger logger, long id, EndPoint remote, Protocol.ErrorCode code, string text);

    [LoggerMessage(6, LogLevel.Warning, "Connection {Id} ({Nick}) is a slow consumer: send queue passed {Limit} bytes; disconnecting")]
    public static partial void SlowConsumer(ILogger logger, long id, string nick, int limit);

    [LoggerMessage(7, LogLevel.Information, "Refused {Remote}: {Reason}")]
    public static partial void Refused(ILogger logger, EndPoint remote, string reason);

    [LoggerMessage(8, LogLevel.Debug, "Flood control is delaying connection {Id} ({Nick}) by {DelayMs} ms")]
    public static partial void FloodDelay(ILogger logger, long id, string nick, double delayMs);

    [LoggerMessage(9, LogLevel.Error, "Failed handling {Type} from connection {Id}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, Protocol.MessageType type, long id);

    [LoggerMessage(10, LogLevel.Debug, "Socket error on connection {Id}: {Error}")]
    public static partial void SocketError(ILogger logger, long id, string error);

    [LoggerMessage(11, LogLevel.Information,
        "stats: connections={Connections} rooms={Rooms} sessions={Sessions} msgs_in/s={InPerSecond} msgs_out/s={OutPerSecond} flood_delays={FloodDelays} slow_consumers_cut={SlowConsumers} sendq_peak={SendQueuePeak}B disconnects: {Disconnects}")]
    public static partial void StatsLine(ILogger logger, long connections, int rooms, int sessions, long inPerSecond, long outPerSecond, long floodDelays, long slowConsumers, long sendQueuePeak, string disconnects);

    [LoggerMessage(12, LogLevel.Information, "Shutting down: telling {Count} connections")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(13, LogLevel.Error, "The {Mode} loop failed")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string mode);

    [LoggerMessage(14, LogLevel.Debug, "Accept failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, string error);

    [LoggerMessage(15, LogLevel.Information, "{Nick} quit: {Reason}")]
    public static partial void Quit(ILogger logger, string nick, string reason);

    [LoggerMessage(50, LogLevel.Information, "{Nick} resumed here a session another server of the cluster held")]
    public static partial void TakenOver(ILogger logger, string nick);

    [LoggerMessage(16, LogLevel.Warning, "The datagram handler failed")]
    public static partial void DatagramHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(17, LogLevel.Error, "Failed handling IRC {Command} from connection {Id}")]
    public static partial void IrcHandlerFailed(ILogger logger, Exception exception, string command, long id);

    [LoggerMessage(18, LogLevel.Information, "Listening for {Protocol} on {Endpoint}")]
    public static partial void ListeningFor(ILogger logger, string protocol, EndPoint endpoint);

    [LoggerMessage(19, LogLevel.Information, "Refused plaintext from {Remote} (connection {Id}): this address must use TLS (DTLS over UDP)")]
    public static partial void PlaintextRefused(ILogger logger, long id, EndPoint remote);

    [LoggerMessage(20, LogLevel.Debug, "Connection {Id} from {Remote}: {Protocol}, client key {Fingerprint}")]
    public static partial void TlsEstablished(ILogger logger, long id, EndPoint remote, System.Security.Authentication.SslProtocols protocol, string fingerprint);

    [LoggerMessage(21, LogLevel.Information, "Connection {Id} from {Remote}: TLS failed: {Error}")]
    public static partial void TlsFailed(ILogger logger, long id, EndPoint remote, string error);
}
