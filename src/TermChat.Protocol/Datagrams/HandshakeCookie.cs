namespace TermChat.Protocol.Datagrams;

/// <summary>
/// What a Retry gives the client and a Connect gives back: the session id the server will use, the client's nonce,
/// the server's timestamp and a 16-byte HMAC tag over (client address, timestamp, nonce).
/// </summary>
public readonly record struct HandshakeCookie(ulong SessionId, ulong Nonce, long TimestampMs, UInt128 Tag);
