using System.Buffers;
using System.Buffers.Binary;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// Reads TermChat frames in place: the text of each live RoomMessage goes to the sink (history replays
/// are skipped), a Ping is answered with a Pong, an Error is remembered, everything else is skipped by
/// its length prefix.
/// </summary>
public sealed class TermChatFrameScanner : IStreamScanner
{
    /// <inheritdoc/>
    public string? LastError { get; private set; }

    /// <inheritdoc/>
    public int Scan(ReadOnlySpan<byte> data, IProbeSink sink, IBufferWriter<byte> replies)
    {
        int consumed = 0;
        while (data.Length - consumed >= ProtocolLimits.HeaderBytes)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(data[consumed..]);
            if (length <= 0 || length > ProtocolLimits.MaxFrameBytes)
            {
                throw new InvalidDataException($"The server sent a frame length of {length}.");
            }
            if (data.Length - consumed - ProtocolLimits.LengthPrefixBytes < length) break;
            var whole = data.Slice(consumed, ProtocolLimits.LengthPrefixBytes + length);
            var frame = whole[ProtocolLimits.LengthPrefixBytes..];
            consumed += whole.Length;
            switch ((MessageType)frame[0])
            {
                case MessageType.RoomMessage:
                    if (TryRoomMessageText(frame[1..], out var text)) sink.OnText(text);
                    break;
                case MessageType.Ping when frame.Length == 9:
                    var pong = replies.GetSpan(13);
                    BinaryPrimitives.WriteInt32BigEndian(pong, 9);
                    pong[4] = (byte)MessageType.Pong;
                    frame.Slice(1, 8).CopyTo(pong[5..]);
                    replies.Advance(13);
                    break;
                case MessageType.Error:
                    LastError = DescribeError(whole);
                    break;
            }
        }
        return consumed;
    }

    private static string DescribeError(ReadOnlySpan<byte> frame)
    {
        try
        {
            return FrameDecoder.TryRead(frame, ProtocolLimits.MaxFrameBytes, out var message, out _) && message is Error error
                ? $"{error.Code}: {error.Text}"
                : "an undecodable Error frame";
        }
        catch (ProtocolException exception)
        {
            return $"an invalid Error frame ({exception.Message})";
        }
    }

    // RoomMessage payload: room str, seq u64, time i64, from str, kind u8, text str, replay bool.
    internal static bool TryRoomMessageText(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> text)
    {
        text = default;
        int at = 0;
        if (!TrySkipString(payload, ref at)) return false;
        at += 16;
        if (!TrySkipString(payload, ref at)) return false;
        at += 1;
        if (payload.Length < at + 2) return false;
        int textLength = BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
        at += 2;
        if (payload.Length < at + textLength + 1) return false;
        bool replay = payload[at + textLength] != 0;
        text = payload.Slice(at, textLength);
        return !replay;
    }

    private static bool TrySkipString(ReadOnlySpan<byte> payload, ref int at)
    {
        if (payload.Length < at + 2) return false;
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
        return payload.Length >= at;
    }
}
