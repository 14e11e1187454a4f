using System.Buffers.Binary;

namespace TermChat.Protocol.Datagrams;

/// <summary>Encodes and parses the handshake datagrams: Initial, Retry, Connect, Accept and Close.</summary>
public static class HandshakeCodec
{
    /// <summary>Writes a 1200-byte Initial: header with the client nonce, then zero padding.</summary>
    public static int WriteInitial(Span<byte> destination, ulong nonce)
    {
        var datagram = destination[..DatagramLimits.InitialBytes];
        datagram.Clear();
        new DatagramHeader(DatagramType.Initial, nonce).Write(datagram);
        return DatagramLimits.InitialBytes;
    }

    /// <summary>Writes a Retry: header with the client nonce, then session id, timestamp and tag.</summary>
    public static int WriteRetry(Span<byte> destination, in HandshakeCookie cookie)
    {
        new DatagramHeader(DatagramType.Retry, cookie.Nonce).Write(destination);
        WriteCookieBody(destination[DatagramLimits.HeaderBytes..], cookie.SessionId, cookie);
        return DatagramLimits.CookieMessageBytes;
    }

    /// <summary>Writes a Connect: header with the session id, then nonce, timestamp and tag.</summary>
    public static int WriteConnect(Span<byte> destination, in HandshakeCookie cookie)
    {
        new DatagramHeader(DatagramType.Connect, cookie.SessionId).Write(destination);
        WriteCookieBody(destination[DatagramLimits.HeaderBytes..], cookie.Nonce, cookie);
        return DatagramLimits.CookieMessageBytes;
    }

    /// <summary>Writes an Accept: the header alone.</summary>
    public static int WriteAccept(Span<byte> destination, ulong sessionId)
    {
        new DatagramHeader(DatagramType.Accept, sessionId).Write(destination);
        return DatagramLimits.AcceptBytes;
    }

    /// <summary>Writes a Close: the header and the reason byte.</summary>
    public static int WriteClose(Span<byte> destination, ulong sessionId, CloseCode code)
    {
        new DatagramHeader(DatagramType.Close, sessionId).Write(destination);
        destination[DatagramLimits.HeaderBytes] = (byte)code;
        return DatagramLimits.CloseBytes;
    }

    /// <summary>Parses a Retry (the header has already been read).</summary>
    public static bool TryReadRetry(ReadOnlySpan<byte> datagram, out HandshakeCookie cookie)
    {
        cookie = default;
        if (datagram.Length != DatagramLimits.CookieMessageBytes || !DatagramHeader.TryRead(datagram, out var header) || header.Type != DatagramType.Retry)
        {
            return false;
        }
        var body = datagram[DatagramLimits.HeaderBytes..];
        cookie = new HandshakeCookie(BinaryPrimitives.ReadUInt64BigEndian(body), header.SessionId, BinaryPrimitives.ReadInt64BigEndian(body[8..]), BinaryPrimitives.ReadUInt128BigEndian(body[16..]));
        return true;
    }

    /// <summary>Parses a Connect.</summary>
    public static bool TryReadConnect(ReadOnlySpan<byte> datagram, out HandshakeCookie cookie)
    {
        cookie = default;
        if (datagram.Length != DatagramLimits.CookieMessageBytes || !DatagramHeader.TryRead(datagram, out var header) || header.Type != DatagramType.Connect)
        {
            return false;
        }
        var body = datagram[DatagramLimits.HeaderBytes..];
        cookie = new HandshakeCookie(header.SessionId, BinaryPrimitives.ReadUInt64BigEndian(body), BinaryPrimitives.ReadInt64BigEndian(body[8..]), BinaryPrimitives.ReadUInt128BigEndian(body[16..]));
        return true;
    }

    /// <summary>Parses a Close and its reason.</summary>
    public static bool TryReadClose(ReadOnlySpan<byte> datagram, out ulong sessionId, out CloseCode code)
    {
        sessionId = 0;
        code = CloseCode.Normal;
        if (datagram.Length != DatagramLimits.CloseBytes || !DatagramHeader.TryRead(datagram, out var header) || header.Type != DatagramType.Close)
        {
            return false;
        }
        sessionId = header.SessionId;
        code = (CloseCode)datagram[DatagramLimits.HeaderBytes];
        return true;
    }

    private static void WriteCookieBody(Span<byte> body, ulong first, in HandshakeCookie cookie)
    {
        BinaryPrimitives.WriteUInt64BigEndian(body, first);
        BinaryPrimitives.WriteInt64BigEndian(body[8..], cookie.TimestampMs);
        BinaryPrimitives.WriteUInt128BigEndian(body[16..], cookie.Tag);
    }
}
