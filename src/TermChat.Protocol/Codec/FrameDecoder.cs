using System.Buffers;
using System.Buffers.Binary;
using TermChat.Protocol.Messages;

namespace TermChat.Protocol.Codec;

/// <summary>
/// The one decoder every transport uses. It is pure: callers fill a buffer by whatever means
/// (select loop, thread, async pipe, UDP reassembly) and call <c>TryRead</c> until it returns false.
/// </summary>
public static class FrameDecoder
{
    // Payloads up to this size are copied to the stack when they straddle segments.
    private const int StackCopyLimit = 512;

    /// <summary>
    /// Reads one frame from the front of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">Received bytes; on success it is advanced past the frame, otherwise left untouched.</param>
    /// <param name="maxFrameBytes">The largest length prefix accepted; checked before waiting for the payload.</param>
    /// <param name="message">The decoded message.</param>
    /// <returns><see langword="true"/> if a frame was decoded; <see langword="false"/> if more bytes are needed.</returns>
    /// <exception cref="ProtocolException">The bytes can never form a valid frame.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out Message message)
    {
        // Most reads find the whole frame in one segment; the span path avoids slicing the sequence.
        if (buffer.IsSingleSegment)
        {
            if (!TryRead(buffer.FirstSpan, maxFrameBytes, out message, out int consumed))
            {
                return false;
            }
            buffer = buffer.Slice(consumed);
            return true;
        }

        message = null!;
        if (buffer.Length < ProtocolLimits.LengthPrefixBytes)
        {
            return false;
        }

        int length = ReadLength(buffer);
        CheckLength(length, maxFrameBytes);
        if (buffer.Length - ProtocolLimits.LengthPrefixBytes < length)
        {
            return false;
        }

        var frame = buffer.Slice(ProtocolLimits.LengthPrefixBytes, length);
        if (frame.IsSingleSegment)
        {
            message = Decode(frame.FirstSpan);
        }
        else if (length <= StackCopyLimit)
        {
            Span<byte> copy = stackalloc byte[length];
            frame.CopyTo(copy);
            message = Decode(copy);
        }
        else
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                frame.CopyTo(rented);
                message = Decode(rented.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        buffer = buffer.Slice(frame.End);
        return true;
    }

    /// <summary>Reads one frame from a contiguous span, as a UDP transport or a test holds it.</summary>
    /// <param name="bytes">The received bytes.</param>
    /// <param name="maxFrameBytes">The largest length prefix accepted.</param>
    /// <param name="message">The decoded message.</param>
    /// <param name="consumed">How many bytes the frame occupied.</param>
    /// <returns><see langword="true"/> if a frame was decoded; <see langword="false"/> if more bytes are needed.</returns>
    /// <exception cref="ProtocolException">The bytes can never form a valid frame.</exception>
    public static bool TryRead(ReadOnlySpan<byte> bytes, int maxFrameBytes, out Message message, out int consumed)
    {
        message = null!;
        consumed = 0;
        if (bytes.Length < ProtocolLimits.LengthPrefixBytes)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadInt32BigEndian(bytes);
        CheckLength(length, maxFrameBytes);
        if (bytes.Length - ProtocolLimits.LengthPrefixBytes < length)
        {
            return false;
        }
        message = Decode(bytes.Slice(ProtocolLimits.LengthPrefixBytes, length));
        consumed = ProtocolLimits.LengthPrefixBytes + length;
        return true;
    }

    /// <summary>
    /// The end-of-stream rule: once the peer has closed its side and <c>TryRead</c> returns
    /// <see langword="false"/>, any bytes left over are a frame cut short, which is malformed.
    /// </summary>
    /// <param name="remaining">The bytes left after the last successful <c>TryRead</c>.</param>
    /// <exception cref="ProtocolException"><paramref name="remaining"/> is not empty.</exception>
    public static void ThrowIfTruncated(in ReadOnlySequence<byte> remaining) => ThrowIfTruncated(remaining.Length);

    /// <summary>The end-of-stream rule for a contiguous buffer; see the sequence overload.</summary>
    /// <exception cref="ProtocolException"><paramref name="remaining"/> is not empty.</exception>
    public static void ThrowIfTruncated(ReadOnlySpan<byte> remaining) => ThrowIfTruncated(remaining.Length);

    private static void ThrowIfTruncated(long remainingBytes)
    {
        if (remainingBytes > 0)
        {
            throw new ProtocolException(ErrorCode.MalformedFrame, $"The stream ended inside a frame ({remainingBytes} bytes left over).");
        }
    }

    // The length is judged before any payload is awaited, so a hostile prefix costs the receiver nothing.
    private static void CheckLength(int length, int maxFrameBytes)
    {
        if (length <= 0)
        {
            throw new ProtocolException(ErrorCode.MalformedFrame, $"The frame length {length} is not positive.");
        }
        if (length > maxFrameBytes)
        {
            throw new ProtocolException(ErrorCode.FrameTooLarge, $"The frame length {length} exceeds the limit of {maxFrameBytes} bytes.");
        }
    }

    private static int ReadLength(ReadOnlySequence<byte> buffer)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= ProtocolLimits.LengthPrefixBytes)
        {
            return BinaryPrimitives.ReadInt32BigEndian(first);
        }
        Span<byte> prefix = stackalloc byte[ProtocolLimits.LengthPrefixBytes];
        buffer.Slice(0, ProtocolLimits.LengthPrefixBytes).CopyTo(prefix);
        return BinaryPrimitives.ReadInt32BigEndian(prefix);
    }

    /// <summary>Decodes a frame body: the type byte followed by the payload.</summary>
    private static Message Decode(ReadOnlySpan<byte> frame)
    {
        var reader = new PayloadReader(frame[1..]);
        Message message = (MessageType)frame[0] switch
        {
            MessageType.Hello => Hello.Read(ref reader),
            MessageType.JoinRoom => JoinRoom.Read(ref reader),
            MessageType.PartRoom => PartRoom.Read(ref reader),
            MessageType.SendMessage => SendMessage.Read(ref reader),
            MessageType.SendPrivate => SendPrivate.Read(ref reader),
            MessageType.ChangeNick => ChangeNick.Read(ref reader),
            MessageType.SetTopic => SetTopic.Read(ref reader),
            MessageType.SetAway => SetAway.Read(ref reader),
            MessageType.ListMembers => ListMembers.Read(ref reader),
            MessageType.ListRooms => ListRooms.Read(ref reader),
            MessageType.GetStats => GetStats.Read(ref reader),
            MessageType.SearchHistory => SearchHistory.Read(ref reader),
            MessageType.Ping => Ping.Read(ref reader),
            MessageType.Pong => Pong.Read(ref reader),
            MessageType.Bye => Bye.Read(ref reader),
            MessageType.Welcome => Welcome.Read(ref reader),
            MessageType.RoomMessage => RoomMessage.Read(ref reader),
            MessageType.RoomEvent => RoomEvent.Read(ref reader),
            MessageType.PrivateMessage => PrivateMessage.Read(ref reader),
            MessageType.RoomJoined => RoomJoined.Read(ref reader),
            MessageType.RoomParted => RoomParted.Read(ref reader),
            MessageType.MemberList => MemberList.Read(ref reader),
            MessageType.RoomList => RoomList.Read(ref reader),
            MessageType.HistoryBegin => HistoryBegin.Read(ref reader),
            MessageType.HistoryEnd => HistoryEnd.Read(ref reader),
            MessageType.NickChanged => NickChanged.Read(ref reader),
            MessageType.Notice => Notice.Read(ref reader),
            MessageType.Stats => Stats.Read(ref reader),
            MessageType.Error => Error.Read(ref reader),
            MessageType.SearchResults => SearchResults.Read(ref reader),
            _ => throw new ProtocolException(ErrorCode.UnknownType, $"Unknown message type 0x{frame[0]:x2}."),
        };
        reader.End();
        return message;
    }
}
