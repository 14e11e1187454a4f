using System.Buffers.Binary;
using System.Text;

namespace TermChat.Protocol.Codec;

/// <summary>Writes payload fields into a span sized beforehand by <see cref="PayloadSize"/>.</summary>
internal ref struct PayloadWriter
{
    private readonly Span<byte> _span;
    private int _position;

    public PayloadWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Position => _position;

    public void U8(byte value) => _span[_position++] = value;

    public void Bool(bool value) => U8(value ? (byte)1 : (byte)0);

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span[_position..], value);
        _position += 2;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_span[_position..], value);
        _position += 4;
    }

    public void U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_span[_position..], value);
        _position += 8;
    }

    public void I64(long value) => U64(unchecked((ulong)value));

    public void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span[_position..]);
        _position += value.Length;
    }

    public void Str(string value)
    {
        int length = Encoding.UTF8.GetBytes(value, _span[(_position + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(_span[_position..], (ushort)length);
        _position += 2 + length;
    }

    public void Token(ResumeToken token)
    {
        U64(token.High);
        U64(token.Low);
    }
}
