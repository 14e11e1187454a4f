using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TermChat.Protocol;

/// <summary>
/// A 128-bit secret that lets a client reclaim its session (nick, rooms) after a dropped link.
/// All zeros means "no token".
/// </summary>
public readonly record struct ResumeToken(ulong High, ulong Low)
{
    /// <summary>The empty token, sent by a client that has no session to resume.</summary>
    public static ResumeToken None => default;

    /// <summary>Whether this is the empty token.</summary>
    public bool IsNone => High == 0 && Low == 0;

    /// <summary>Creates a fresh random token from a cryptographic source.</summary>
    public static ResumeToken NewRandom()
    {
        Span<byte> bytes = stackalloc byte[ProtocolLimits.ResumeTokenBytes];
        do
        {
            RandomNumberGenerator.Fill(bytes);
        }
        while (bytes.IndexOfAnyExcept((byte)0) < 0);
        return new ResumeToken(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Lowercase hex, for logs and scripts.</summary>
    public override string ToString() => $"{High:x16}{Low:x16}";
}
