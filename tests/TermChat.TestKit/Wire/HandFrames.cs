using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace TermChat.TestKit.Wire;

/// <summary>
/// Builds frames byte by byte from PROTOCOL.md's tables, without the reference encoder, the way an outside
/// implementer would: conformance tests send these so that a codec bug cannot hide a server bug.
/// </summary>
public static class HandFrames
{
    /// <summary>Parses hex such as <c>"00 00 00 09 20"</c> (whitespace ignored).</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    /// <summary>A whole frame: the big-endian length (type byte plus payload), the type byte, then the fields in order.</summary>
    public static byte[] Frame(byte type, params byte[][] fields)
    {
        int payload = fields.Sum(f => f.Length);
        var frame = new byte[5 + payload];
        BinaryPrimitives.WriteInt32BigEndian(frame, 1 + payload);
        frame[4] = type;
        int offset = 5;
        foreach (var field in fields)
        {
            field.CopyTo(frame, offset);
            offset += field.Length;
        }
        return frame;
    }

    /// <summary>A <c>u8</c> field.</summary>
    public static byte[] U8(byte value) => [value];

    /// <summary>A <c>u16</c> field, big-endian.</summary>
    public static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>A <c>u64</c> field, big-endian.</summary>
    public static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>A <c>str</c> field: u16 byte count, then UTF-8.</summary>
    public static byte[] Str(string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        return [.. U16((ushort)utf8.Length), .. utf8];
    }

    /// <summary>Hello (0x01): magic TCHT, version 1, nick, 16-byte token (zeros = none), and the cursors.</summary>
    public static byte[] Hello(string nick, byte[]? token = null, params (string Room, ulong LastSeq)[] cursors)
    {
        var fields = new List<byte[]> { Hex("54 43 48 54"), U16(1), Str(nick), token ?? new byte[16], U16((ushort)cursors.Length) };
        foreach (var (room, lastSeq) in cursors)
        {
            fields.Add(Str(room));
            fields.Add(U64(lastSeq));
        }
        return Frame(0x01, [.. fields]);
    }

    /// <summary>Hello (0x01) for a fresh session speaking protocol <paramref name="version"/>.</summary>
    public static byte[] HelloVersion(string nick, ushort version) =>
        Frame(0x01, Hex("54 43 48 54"), U16(version), Str(nick), new byte[16], U16(0));

    /// <summary>SearchHistory (0x0C, protocol version 2).</summary>
    public static byte[] SearchHistory(string room, string words) => Frame(0x0C, Str(room), Str(words));

    /// <summary>JoinRoom (0x02).</summary>
    public static byte[] JoinRoom(string room) => Frame(0x02, Str(room));

    /// <summary>PartRoom (0x03) with an empty reason.</summary>
    public static byte[] PartRoom(string room) => Frame(0x03, Str(room), Str(""));

    /// <summary>SendMessage (0x04), kind Say.</summary>
    public static byte[] Say(string room, string text) => Frame(0x04, Str(room), U8(0), Str(text));

    /// <summary>SetTopic (0x07).</summary>
    public static byte[] SetTopic(string room, string topic) => Frame(0x07, Str(room), Str(topic));

    /// <summary>Ping (0x20).</summary>
    public static byte[] Ping(ulong nonce) => Frame(0x20, U64(nonce));

    /// <summary>Bye (0x22).</summary>
    public static byte[] Bye(string reason) => Frame(0x22, Str(reason));

    /// <summary>Hex of <paramref name="bytes"/> as spaced pairs, for readable assertion failures.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (byte b in bytes)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
