using System.Buffers;
using System.Buffers.Binary;
using TermChat.Protocol.Messages;

namespace TermChat.Protocol.Codec;

/// <summary>
/// Turns messages into frames: a 4-byte big-endian length (type byte plus payload), the type byte,
/// then the payload. The frame is measured first, so it is written into one span with no copies.
/// </summary>
public static class FrameEncoder
{
    /// <summary>The encoded size of <paramref name="message"/>, including the length prefix.</summary>
    /// <exception cref="ArgumentException">A string or list field is over its limit.</exception>
    public static int GetFrameSize(Message message) => ProtocolLimits.HeaderBytes + message.PayloadBytes;

    /// <summary>Writes one frame for <paramref name="message"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The message breaks a wire limit: larger than <see cref="ProtocolLimits.MaxFrameBytes"/>, a string over its field limit, or a list over its item limit. Nothing is written.</exception>
    public static int Write(IBufferWriter<byte> output, Message message)
    {
        int payload = message.PayloadBytes;
        int total = ProtocolLimits.HeaderBytes + payload;
        if (total - ProtocolLimits.LengthPrefixBytes > ProtocolLimits.MaxFrameBytes)
        {
            throw new ArgumentException($"A {message.Type} of {total} bytes exceeds the {ProtocolLimits.MaxFrameBytes}-byte frame limit.", nameof(message));
        }
        var span = output.GetSpan(total);
        WriteInto(span, message, payload);
        output.Advance(total);
        return total;
    }

    /// <summary>Encodes <paramref name="message"/> into a new array; for frames shared by many receivers.</summary>
    /// <exception cref="ArgumentException">The message breaks a wire limit: larger than <see cref="ProtocolLimits.MaxFrameBytes"/>, a string over its field limit, or a list over its item limit. Nothing is written.</exception>
    public static byte[] ToArray(Message message)
    {
        var writer = new ArrayBufferWriter<byte>(GetFrameSize(message));
        Write(writer, message);
        return writer.WrittenSpan.ToArray();
    }

    private static void WriteInto(Span<byte> span, Message message, int payload)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, 1 + payload);
        span[ProtocolLimits.LengthPrefixBytes] = (byte)message.Type;
        var writer = new PayloadWriter(span.Slice(ProtocolLimits.HeaderBytes, payload));
        message.WritePayload(ref writer);
    }
}
