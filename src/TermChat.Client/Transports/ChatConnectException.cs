using System.Net.Sockets;

namespace TermChat.Client.Transports;

/// <summary>
/// A connection to a server could not be made. <see cref="Exception.Message"/> is one line a user
/// can act on, e.g. "cannot connect to 127.0.0.1:7777: connection refused (is the server running? ...)".
/// </summary>
public sealed class ChatConnectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChatConnectException(ConnectFailure failure, ChatEndpoint endpoint, string reason, Exception? inner = null)
        : base($"cannot connect to {endpoint}: {reason}", inner)
    {
        Failure = failure;
        Endpoint = endpoint;
        Reason = reason;
    }

    /// <summary>The kind of failure.</summary>
    public ConnectFailure Failure { get; }

    /// <summary>Where we tried to connect.</summary>
    public ChatEndpoint Endpoint { get; }

    /// <summary>The reason without the "cannot connect to" prefix.</summary>
    public string Reason { get; }

    /// <summary>Maps a socket error to a failure with a distinct, actionable message.</summary>
    public static ChatConnectException FromSocketError(ChatEndpoint endpoint, string transport, SocketException error) =>
        error.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => new(ConnectFailure.Refused, endpoint,
                "connection refused (is the server running? start one with 'termchat serve')", error),
            SocketError.TimedOut => TimedOutAfter(endpoint, null, error),
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown or SocketError.HostDown => new(
                ConnectFailure.Unreachable, endpoint, $"{(error.SocketErrorCode == SocketError.NetworkUnreachable ? "network" : "host")} unreachable (check the address and your network)", error),
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain or SocketError.NoRecovery => new(
                ConnectFailure.NameNotResolved, endpoint, $"the name '{endpoint.Host}' does not resolve (check the spelling, or use an IP address)", error),
            SocketError.AddressNotAvailable => new(ConnectFailure.Unreachable, endpoint, "the address is not available from this machine", error),
            _ => new(ConnectFailure.Other, endpoint, $"{transport} error: {error.Message}", error),
        };

    /// <summary>The connect timeout passed.</summary>
    public static ChatConnectException TimedOutAfter(ChatEndpoint endpoint, TimeSpan? timeout, Exception? inner = null) =>
        new(ConnectFailure.TimedOut, endpoint,
            timeout is { } t ? $"timed out after {t.TotalSeconds:0.#} s (is the host up, and is a firewall dropping the port?)" : "timed out (is the host up, and is a firewall dropping the port?)",
            inner);

    /// <summary>
    /// A DTLS handshake that did not finish in time. The server answered (its first flight came back, or the handshake
    /// would not have gone on), so the likelier cause is a link losing many datagrams, not a firewall.
    /// </summary>
    public static ChatConnectException DtlsTimedOutAfter(ChatEndpoint endpoint, TimeSpan timeout, bool serverAnswered, Exception? inner = null) =>
        serverAnswered
            ? new(ConnectFailure.TimedOut, endpoint,
                $"timed out after {timeout.TotalSeconds:0.#} s in the DTLS handshake (the server answered: is the link losing many packets?)", inner)
            : TimedOutAfter(endpoint, timeout, inner);
}
