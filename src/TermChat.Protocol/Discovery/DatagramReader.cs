using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace TermChat.Protocol.Discovery;

/// <summary>
/// Reads discovery datagram fields without throwing: a read past the end or an invalid field sets
/// <see cref="Failed"/> and returns a default, so a malformed datagram costs no exception.
/// </summary>
internal ref struct DatagramReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public DatagramReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
        Failed = false;
    }

    public bool Failed { get; private set; }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public readonly ReadOnlySpan<byte> Rest => _span[_position..];

    public void Fail() => Failed = true;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (Failed || Remaining < count)
        {
            Failed = true;
            return default;
        }
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    public byte U8()
    {
        var bytes = Take(1);
        return bytes.IsEmpty ? (byte)0 : bytes[0];
    }

    public bool Bool()
    {
        byte value = U8();
        if (value > 1)
        {
            Failed = true;
        }
        return value == 1;
    }

    public ushort U16()
    {
        var bytes = Take(2);
        return bytes.IsEmpty ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(bytes);
    }

    public uint U32()
    {
        var bytes = Take(4);
        return bytes.IsEmpty ? 0 : BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    public ulong U64()
    {
        var bytes = Take(8);
        return bytes.IsEmpty ? 0 : BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public string Str(int maxBytes)
    {
        int length = U16();
        if (length > maxBytes)
        {
            Failed = true;
            return string.Empty;
        }
        var bytes = Take(length);
        if (Failed || !Utf8.IsValid(bytes))
        {
            Failed = true;
            return string.Empty;
        }
        return length == 0 ? string.Empty : Encoding.UTF8.GetString(bytes);
    }
}
