namespace TermChat.Protocol;

/// <summary>Error codes carried by <see cref="Messages.Error"/> frames and <see cref="ProtocolException"/>.</summary>
public enum ErrorCode : ushort
{
    /// <summary>The frame could not be parsed: bad field, trailing bytes, bad enum or bool value.</summary>
    MalformedFrame = 1,
    /// <summary>The length prefix exceeds the receiver's limit.</summary>
    FrameTooLarge = 2,
    /// <summary>A string field is not valid UTF-8.</summary>
    InvalidUtf8 = 3,
    /// <summary>The type byte names no message.</summary>
    UnknownType = 4,
    /// <summary>The handshake magic or version is not understood.</summary>
    BadHandshake = 5,
    /// <summary>A message other than Hello arrived before the handshake.</summary>
    HandshakeRequired = 6,
    /// <summary>The handshake did not complete in time.</summary>
    HandshakeTimeout = 7,
    /// <summary>Nothing arrived for too long, not even a pong.</summary>
    IdleTimeout = 8,
    /// <summary>The nick breaks the nick rules.</summary>
    InvalidNick = 9,
    /// <summary>Someone else holds the nick.</summary>
    NickInUse = 10,
    /// <summary>The room name breaks the room rules.</summary>
    InvalidRoom = 11,
    /// <summary>The operation needs membership of the room.</summary>
    NotInRoom = 12,
    /// <summary>No user has that nick.</summary>
    NoSuchNick = 13,
    /// <summary>A text field is longer than its limit.</summary>
    TextTooLong = 14,
    /// <summary>Messages arrive faster than the flood limit; the server is delaying them.</summary>
    Flood = 15,
    /// <summary>The peer stopped reading and its send queue passed the limit.</summary>
    SendQueueExceeded = 16,
    /// <summary>The server has reached its client limit.</summary>
    ServerFull = 17,
    /// <summary>The address has reached its connection limit.</summary>
    TooManyConnections = 18,
    /// <summary>The resume token is unknown or expired; a fresh session was started.</summary>
    ResumeRejected = 19,
    /// <summary>The server is shutting down.</summary>
    ServerShutdown = 20,
    /// <summary>The client may not send this message (for example a server-only type).</summary>
    NotAllowed = 21,
    /// <summary>The server failed while handling the request.</summary>
    InternalError = 22,
    /// <summary>The server cannot store the message now (its disk is full); nothing was sent. Retry later.</summary>
    StorageUnavailable = 23,
    /// <summary>The nick, or a nick it looks like, belongs to another key (or the client has none).</summary>
    NickOwned = 24,
    /// <summary>The server accepts only TLS from this address, and the client spoke plaintext.</summary>
    EncryptionRequired = 25,
    /// <summary>An operator banned the client's nick, key or address; the text gives the reason and how long.</summary>
    Banned = 26,
    /// <summary>The server password (Hello) or the room key (JoinKeyed) is missing or wrong.</summary>
    BadPassword = 27,
    /// <summary>Only the server's operators may do this.</summary>
    NotOperator = 28,
    /// <summary>The room is invite-only and the client was not invited.</summary>
    InviteOnly = 29,
    /// <summary>The client may not speak in the room now (muted, or the room is moderated and it has no voice).</summary>
    Muted = 30,
}
