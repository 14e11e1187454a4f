using System.Security.Cryptography;
using TermChat.Protocol;

namespace TermChat.Server.Core;

/// <summary>A registered user: nick, rooms, away status and resume token. Guarded by the core's lock.</summary>
internal sealed class CoreSession
{
    public CoreSession(string nick, ResumeToken token)
        : this(nick, HashOf(token))
    {
        Token = token;
    }

    /// <summary>A session restored from a store, which knows only the hash of its token until a client presents it.</summary>
    public CoreSession(string nick, string tokenHash)
    {
        Nick = nick;
        TokenHash = tokenHash;
    }

    public string Nick { get; set; }

    /// <summary>The resume token; <see cref="ResumeToken.None"/> for a restored session until it is resumed.</summary>
    public ResumeToken Token { get; set; }

    /// <summary>SHA-256 of the token, hex: what sessions are found and stored by.</summary>
    public string TokenHash { get; }

    /// <summary>Where the session's events go, or <see langword="null"/> while detached and waiting for a resume.</summary>
    public ISessionSink? Sink { get; set; }

    /// <summary>Rooms in join order; a detached session stays a member until it expires.</summary>
    public List<CoreRoom> Rooms { get; } = [];

    public string Away { get; set; } = "";

    /// <summary>The client key's fingerprint the session was opened with, or null for a client without a key.</summary>
    public string? KeyFingerprint { get; init; }

    /// <summary>The session is over (Bye or expiry); its token no longer resumes it.</summary>
    public bool Ended { get; set; }

    /// <summary>Why the link dropped; the Quit reason if the session is not resumed.</summary>
    public string DetachReason { get; set; } = "";

    /// <summary>When a detached session expires (monotonic timestamp); meaningful only while detached.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>When the connection dropped (Unix ms, wall clock), kept so that a restart honours the resume window.</summary>
    public long? DetachedMs { get; set; }

    public SessionRecord ToRecord() => new(TokenHash, Nick, Away, [.. Rooms.Select(room => room.Name)], Sink is null ? DetachedMs : null, KeyFingerprint);

    public static string HashOf(ResumeToken token)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, token.High);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], token.Low);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }
}
