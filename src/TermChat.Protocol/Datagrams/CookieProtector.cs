using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TermChat.Protocol.Datagrams;

/// <summary>
/// Mints and checks the stateless handshake cookies. A cookie is HMAC-SHA256(secret, client address ‖ timestamp ‖ nonce):
/// the first 16 bytes are the tag, the next 8 the session id. The server keeps nothing between Retry and Connect, so
/// spoofed Initials cost it one HMAC and a 42-byte reply, and only a client that receives at its address can connect.
/// </summary>
public sealed class CookieProtector
{
    private const int MaxAddressBytes = 128;
    private readonly byte[] _secret;

    /// <summary>Creates a protector with a fresh random 32-byte secret.</summary>
    public CookieProtector()
        : this(RandomNumberGenerator.GetBytes(32))
    {
    }

    /// <summary>Creates a protector with a given secret (tests, documentation examples).</summary>
    public CookieProtector(ReadOnlySpan<byte> secret, long lifetimeMs = 30_000)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException("The cookie secret must be at least 16 bytes.", nameof(secret));
        }
        _secret = secret.ToArray();
        LifetimeMs = lifetimeMs;
    }

    /// <summary>How long after minting a cookie is accepted.</summary>
    public long LifetimeMs { get; }

    /// <summary>Mints the cookie for an Initial from <paramref name="address"/> (the raw socket address bytes).</summary>
    public HandshakeCookie Mint(ReadOnlySpan<byte> address, ulong nonce, long nowMs)
    {
        Compute(address, nowMs, nonce, out var tag, out ulong sessionId);
        return new HandshakeCookie(sessionId, nonce, nowMs, tag);
    }

    /// <summary>Checks a cookie echoed in a Connect: right address, fresh, untampered. Constant-time comparison.</summary>
    public bool TryValidate(ReadOnlySpan<byte> address, in HandshakeCookie cookie, long nowMs)
    {
        long age = nowMs - cookie.TimestampMs;
        if (age < 0 || age > LifetimeMs)
        {
            return false;
        }
        Compute(address, cookie.TimestampMs, cookie.Nonce, out var tag, out ulong sessionId);
        Span<byte> expected = stackalloc byte[24];
        Span<byte> actual = stackalloc byte[24];
        BinaryPrimitives.WriteUInt128BigEndian(expected, tag);
        BinaryPrimitives.WriteUInt64BigEndian(expected[16..], sessionId);
        BinaryPrimitives.WriteUInt128BigEndian(actual, cookie.Tag);
        BinaryPrimitives.WriteUInt64BigEndian(actual[16..], cookie.SessionId);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private void Compute(ReadOnlySpan<byte> address, long timestampMs, ulong nonce, out UInt128 tag, out ulong sessionId)
    {
        if (address.Length > MaxAddressBytes)
        {
            address = address[..MaxAddressBytes];
        }
        Span<byte> input = stackalloc byte[MaxAddressBytes + 16];
        address.CopyTo(input);
        BinaryPrimitives.WriteInt64BigEndian(input[address.Length..], timestampMs);
        BinaryPrimitives.WriteUInt64BigEndian(input[(address.Length + 8)..], nonce);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, input[..(address.Length + 16)], mac);
        tag = BinaryPrimitives.ReadUInt128BigEndian(mac);
        sessionId = BinaryPrimitives.ReadUInt64BigEndian(mac[16..]);
        // Zero means "no session" on the wire.
        if (sessionId == 0)
        {
            sessionId = 1;
        }
    }
}
