using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Protocol;

namespace TermChat.Protocol.Tests;

/// <summary>Shared inputs: the sample messages, their frames, and a strict decode of one frame.</summary>
internal static class FrameTestData
{
    public static readonly IReadOnlyList<Message> Samples = SampleMessages.OneOfEach();

    public static TheoryData<int> SampleIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Samples.Count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    /// <summary>Decodes exactly one frame that fills <paramref name="frame"/>, with the largest limit.</summary>
    public static Message DecodeOne(ReadOnlySpan<byte> frame)
    {
        Assert.True(FrameDecoder.TryRead(frame, ProtocolLimits.MaxFrameBytes, out var message, out int consumed));
        Assert.Equal(frame.Length, consumed);
        return message;
    }

    /// <summary>Builds a frame by hand: the length prefix is computed from the type byte and payload.</summary>
    public static byte[] Frame(byte type, params byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, 1 + payload.Length);
        frame[4] = type;
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Re-frames a body (type byte plus payload) with a correct length prefix.</summary>
    public static byte[] Reframe(ReadOnlySpan<byte> body) => Frame(body[0], body[1..].ToArray());

    public static ProtocolException DecodeFails(ReadOnlySpan<byte> frame)
    {
        try
        {
            FrameDecoder.TryRead(frame, ProtocolLimits.MaxFrameBytes, out var message, out _);
            Assert.Fail($"Decoding succeeded with {message}.");
            return null!;
        }
        catch (ProtocolException ex)
        {
            return ex;
        }
    }
}
