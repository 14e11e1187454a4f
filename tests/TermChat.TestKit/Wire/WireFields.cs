using System.Buffers.Binary;
using System.Text;

namespace TermChat.TestKit.Wire;

/// <summary>
/// Reads the fields of one received frame by hand, in the order of PROTOCOL.md's field tables, so that
/// conformance tests check the server's bytes without the reference decoder.
/// </summary>
public ref struct WireFields
{
    private readonly ReadOnlySpan<byte> _frame;
    private int _offset;

    /// <summary>Starts after the length prefix and type byte of <paramref name="frame"/>.</summary>
    public WireFields(ReadOnlySpan<byte> frame)
    {
        _frame = frame;
        _offset = 5;
    }

    /// <summary>The frame's type byte.</summary>
    public readonly byte Type => _frame[4];

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _frame.Length - _offset;

    /// <summary>Reads a <c>u8</c> (or <c>bool</c>).</summary>
    public byte U8() => _frame[_offset++];

    /// <summary>Reads a big-endian <c>u16</c>.</summary>
    public ushort U16()
    {
        ushort value = BinaryPrimitives.ReadUInt16BigEndian(_frame[_offset..]);
        _offset += 2;
        return value;
    }

    /// <summary>Reads a big-endian <c>u64</c>.</summary>
    public ulong U64()
    {
        ulong value = BinaryPrimitives.ReadUInt64BigEndian(_frame[_offset..]);
        _offset += 8;
        return value;
    }

    /// <summary>Reads a <c>str</c>.</summary>
    public string Str()
    {
        int length = U16();
        string value = Encoding.UTF8.GetString(_frame.Slice(_offset, length));
        _offset += length;
        return value;
    }

    /// <summary>Reads <paramref name="count"/> raw bytes (a token, say).</summary>
    public byte[] Bytes(int count)
    {
        byte[] value = _frame.Slice(_offset, count).ToArray();
        _offset += count;
        return value;
    }
}
