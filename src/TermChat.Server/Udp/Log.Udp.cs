using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol.Datagrams;

namespace TermChat.Server;

/// <summary>Log methods of the UDP side (same class as the rest of the server's, ids from 100).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Serving UDP on {Endpoint} (datagram protocol v1, max {MaxDatagram} bytes)")]
    public static partial void UdpListening(ILogger logger, EndPoint endpoint, int maxDatagram);

    [LoggerMessage(101, LogLevel.Debug, "UDP session {SessionId:x16} from {Remote} opened as connection {Id}")]
    public static partial void UdpSessionOpened(ILogger logger, ulong sessionId, EndPoint remote, long id);

    [LoggerMessage(102, LogLevel.Debug, "UDP session {SessionId:x16} (connection {Id}) ended: {Reason}; srtt={SrttMs:0.#} ms, retransmits={Retransmits}, lost={Lost}")]
    public static partial void UdpSessionClosed(ILogger logger, ulong sessionId, long id, SessionCloseReason reason, double srttMs, long retransmits, long lost);

    [LoggerMessage(103, LogLevel.Debug, "UDP send to {Remote} dropped (socket buffer or queue full)")]
    public static partial void UdpSendDropped(ILogger logger, EndPoint remote);

    [LoggerMessage(104, LogLevel.Warning, "UDP connection {Id} from {Remote} sent an invalid frame: {Code} {Text}")]
    public static partial void UdpProtocolViolation(ILogger logger, long id, EndPoint remote, Protocol.ErrorCode code, string text);

    [LoggerMessage(105, LogLevel.Error, "The UDP timer failed")]
    public static partial void UdpTimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(106, LogLevel.Debug, "DTLS from {Remote} established, client key {Fingerprint}")]
    public static partial void DtlsEstablished(ILogger logger, EndPoint remote, string fingerprint);

    [LoggerMessage(107, LogLevel.Information, "DTLS from {Remote} failed: {Error}")]
    public static partial void DtlsFailed(ILogger logger, EndPoint remote, string error);

    [LoggerMessage(108, LogLevel.Debug, "DTLS handshake from {Remote} dropped: {Why}")]
    public static partial void DtlsBusy(ILogger logger, EndPoint remote, string why);
}
