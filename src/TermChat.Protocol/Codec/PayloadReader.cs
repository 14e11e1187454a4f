using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace TermChat.Protocol.Codec;

/// <summary>
/// Reads payload fields from one complete frame payload. Every read checks bounds and throws
/// <see cref="ProtocolException"/>, because a frame whose fields overrun it is malformed, not incomplete.
/// </summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_span.Length - _position < count)
        {
            throw new ProtocolException(ErrorCode.MalformedFrame, "A field runs past the end of the frame.");
        }
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    public byte U8() => Take(1)[0];

    public bool Bool() => U8() switch
    {
        0 => false,
        1 => true,
        var other => throw new ProtocolException(ErrorCode.MalformedFrame, $"A boolean field holds {other}; only 0 and 1 are allowed."),
    };

    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public long I64() => unchecked((long)U64());

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public ResumeToken Token() => new(U64(), U64());

    public string Str(int maxBytes)
    {
        int length = U16();
        if (length > maxBytes)
        {
            throw new ProtocolException(ErrorCode.TextTooLong, $"A string field of {length} bytes exceeds its limit of {maxBytes}.");
        }
        var bytes = Take(length);
        if (!Utf8.IsValid(bytes))
        {
            throw new ProtocolException(ErrorCode.InvalidUtf8, "A string field is not valid UTF-8.");
        }
        return length == 0 ? string.Empty : Encoding.UTF8.GetString(bytes);
    }

    public MessageKind Kind()
    {
        byte value = U8();
        return value <= (byte)MessageKind.Action
            ? (MessageKind)value
            : throw new ProtocolException(ErrorCode.MalformedFrame, $"{value} is not a message kind.");
    }

    public RoomEventKind EventKind()
    {
        byte value = U8();
        return value is >= (byte)RoomEventKind.Join and <= (byte)RoomEventKind.Mode
            ? (RoomEventKind)value
            : throw new ProtocolException(ErrorCode.MalformedFrame, $"{value} is not a room event kind.");
    }

    /// <summary>Reads a u16 item count, refusing counts that cannot fit in the bytes left.</summary>
    public int Count(int minItemBytes, int maxItems)
    {
        int count = U16();
        if (count > maxItems || (long)count * minItemBytes > _span.Length - _position)
        {
            throw new ProtocolException(ErrorCode.MalformedFrame, $"A list claims {count} items, more than the frame can hold.");
        }
        return count;
    }

    public readonly void End()
    {
        if (_position != _span.Length)
        {
            throw new ProtocolException(ErrorCode.MalformedFrame, $"The frame has {_span.Length - _position} unexpected trailing bytes.");
        }
    }
}
