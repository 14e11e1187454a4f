namespace TermChat.Protocol;

/// <summary>
/// Wire limits shared by every peer. Each limit exists so that a peer can bound its memory
/// before it has seen the bytes (PROTOCOL.md, "Limits").
/// </summary>
public static class ProtocolLimits
{
    /// <summary>The newest protocol version this library speaks; a client offers it first.</summary>
    public const ushort Version = 2;

    /// <summary>The oldest protocol version this library still speaks (version 1 lacks history search).</summary>
    public const ushort MinVersion = 1;

    /// <summary>The first protocol version with SearchHistory and SearchResults.</summary>
    public const ushort SearchVersion = 2;

    /// <summary>Bytes in the length prefix of a frame.</summary>
    public const int LengthPrefixBytes = 4;

    /// <summary>Bytes of frame header: length prefix plus the type byte.</summary>
    public const int HeaderBytes = LengthPrefixBytes + 1;

    /// <summary>Default largest frame a server accepts from a client (length prefix value).</summary>
    public const int DefaultClientFrameBytes = 16 * 1024;

    /// <summary>Largest frame any peer may send; clients accept server frames up to this size.</summary>
    public const int MaxFrameBytes = 1024 * 1024;

    /// <summary>Largest chat text (room message, action, private message) in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 8 * 1024;

    /// <summary>Largest nick in bytes (nicks are ASCII).</summary>
    public const int MaxNickBytes = 24;

    /// <summary>Largest room name in bytes, including the leading '#'.</summary>
    public const int MaxRoomBytes = 32;

    /// <summary>Largest topic in UTF-8 bytes.</summary>
    public const int MaxTopicBytes = 390;

    /// <summary>Largest away reason or part reason in UTF-8 bytes.</summary>
    public const int MaxReasonBytes = 200;

    /// <summary>Largest search request (the words of a SearchHistory) in UTF-8 bytes.</summary>
    public const int MaxSearchBytes = 200;

    /// <summary>Most results one SearchResults carries.</summary>
    public const int MaxSearchResults = 50;

    /// <summary>Most room cursors a resume may carry.</summary>
    public const int MaxResumeCursors = 64;

    /// <summary>Bytes in a resume token.</summary>
    public const int ResumeTokenBytes = 16;
}
