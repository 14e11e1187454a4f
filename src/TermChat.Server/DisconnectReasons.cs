using TermChat.Protocol;

namespace TermChat.Server;

/// <summary>Maps the error a link is closed with to the reason counted in the stats, the same for TCP and UDP.</summary>
internal static class DisconnectReasons
{
    public static DisconnectReason For(ErrorCode? code) => code switch
    {
        null => DisconnectReason.Bye,
        ErrorCode.MalformedFrame or ErrorCode.FrameTooLarge or ErrorCode.InvalidUtf8 or ErrorCode.UnknownType
            or ErrorCode.BadHandshake or ErrorCode.HandshakeRequired or ErrorCode.EncryptionRequired => DisconnectReason.ProtocolError,
        ErrorCode.HandshakeTimeout => DisconnectReason.HandshakeTimeout,
        ErrorCode.IdleTimeout => DisconnectReason.IdleTimeout,
        ErrorCode.SendQueueExceeded => DisconnectReason.SendQueueExceeded,
        ErrorCode.ServerFull => DisconnectReason.ServerFull,
        ErrorCode.TooManyConnections => DisconnectReason.TooManyConnections,
        ErrorCode.ServerShutdown => DisconnectReason.Shutdown,
        _ => DisconnectReason.InternalError,
    };
}
