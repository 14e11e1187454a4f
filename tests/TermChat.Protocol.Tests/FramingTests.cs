using System.Buffers;
using System.Buffers.Binary;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Protocol;
using static TermChat.Protocol.Tests.FrameTestData;

namespace TermChat.Protocol.Tests;

public sealed class FramingTests
{
    [Fact]
    public void Coalesced_frames_in_one_buffer_decode_in_order_and_consume_exactly_their_bytes()
    {
        var stream = Samples.SelectMany(FrameEncoder.ToArray).ToArray();
        var buffer = new ReadOnlySequence<byte>(stream);
        var decoded = new List<Message>();
        long expectedRemaining = stream.Length;
        while (FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out var message))
        {
            expectedRemaining -= FrameEncoder.GetFrameSize(message);
            Assert.Equal(expectedRemaining, buffer.Length);
            decoded.Add(message);
        }
        Assert.Equal(Samples, decoded);
    }

    [Fact]
    public void Coalesced_frames_decode_through_the_span_overload()
    {
        var stream = Samples.SelectMany(FrameEncoder.ToArray).ToArray();
        var decoded = new List<Message>();
        int offset = 0;
        while (FrameDecoder.TryRead(stream.AsSpan(offset), ProtocolLimits.MaxFrameBytes, out var message, out int consumed))
        {
            Assert.Equal(FrameEncoder.GetFrameSize(message), consumed);
            offset += consumed;
            decoded.Add(message);
        }
        Assert.Equal(stream.Length, offset);
        Assert.Equal(Samples, decoded);
    }

    [Theory]
    [MemberData(nameof(SampleIndexes), MemberType = typeof(FrameTestData))]
    public void Every_partial_frame_returns_false_and_consumes_nothing(int index)
    {
        var frame = FrameEncoder.ToArray(Samples[index]);
        for (int length = 0; length < frame.Length; length++)
        {
            var partial = SegmentedSequence.Split(frame.AsSpan(0, length), length / 2);
            var buffer = partial;
            Assert.False(FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out _));
            Assert.Equal(partial, buffer);

            Assert.False(FrameDecoder.TryRead(frame.AsSpan(0, length), ProtocolLimits.MaxFrameBytes, out _, out int consumed));
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void A_complete_frame_followed_by_a_partial_one_leaves_exactly_the_partial_bytes()
    {
        var first = FrameEncoder.ToArray(new Ping(1));
        var second = FrameEncoder.ToArray(new SendMessage("#lobby", MessageKind.Say, "hi"));
        var buffer = new ReadOnlySequence<byte>([.. first, .. second.AsSpan(0, 7)]);
        Assert.True(FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out var message));
        Assert.Equal(new Ping(1), message);
        Assert.False(FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out _));
        Assert.Equal(second.AsSpan(0, 7).ToArray(), buffer.ToArray());
    }

    public static TheoryData<int, ErrorCode> BadLengths => new()
    {
        { 0, ErrorCode.MalformedFrame },
        { -1, ErrorCode.MalformedFrame },
        { int.MinValue, ErrorCode.MalformedFrame },
        { ProtocolLimits.DefaultClientFrameBytes + 1, ErrorCode.FrameTooLarge },
        { ProtocolLimits.MaxFrameBytes, ErrorCode.FrameTooLarge },
        { int.MaxValue, ErrorCode.FrameTooLarge },
        // ASCII "GET " from an HTTP client is a huge length, refused at once.
        { 0x47455420, ErrorCode.FrameTooLarge },
    };

    [Theory]
    [MemberData(nameof(BadLengths))]
    public void Bad_lengths_are_rejected_before_the_payload_arrives(int length, ErrorCode expected)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);

        var buffer = SegmentedSequence.Split(prefix, 1, 3);
        var ex = Assert.Throws<ProtocolException>(() => FrameDecoder.TryRead(ref buffer, ProtocolLimits.DefaultClientFrameBytes, out _));
        Assert.Equal(expected, ex.Code);

        var spanEx = Assert.Throws<ProtocolException>(() => FrameDecoder.TryRead(prefix, ProtocolLimits.DefaultClientFrameBytes, out _, out _));
        Assert.Equal(expected, spanEx.Code);
    }

    [Fact]
    public void A_frame_exactly_at_the_limit_is_accepted_and_one_byte_more_is_not()
    {
        var message = new SendMessage("#lobby", MessageKind.Say, new string('x', 1000));
        var frame = FrameEncoder.ToArray(message);
        int length = frame.Length - ProtocolLimits.LengthPrefixBytes;
        Assert.Equal(message, DecodeOneWithLimit(frame, length));
        var ex = Assert.Throws<ProtocolException>(() => DecodeOneWithLimit(frame, length - 1));
        Assert.Equal(ErrorCode.FrameTooLarge, ex.Code);
    }

    private static Message DecodeOneWithLimit(byte[] frame, int limit)
    {
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.True(FrameDecoder.TryRead(ref buffer, limit, out var message));
        return message;
    }

    [Fact]
    public void Leftover_bytes_at_end_of_stream_are_a_truncated_frame()
    {
        var frame = FrameEncoder.ToArray(new Pong(9));
        for (int length = 1; length < frame.Length; length++)
        {
            var buffer = SegmentedSequence.Split(frame.AsSpan(0, length), length / 2);
            Assert.False(FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out _));
            var ex = Assert.Throws<ProtocolException>(() => FrameDecoder.ThrowIfTruncated(buffer));
            Assert.Equal(ErrorCode.MalformedFrame, ex.Code);
            var spanEx = Assert.Throws<ProtocolException>(() => FrameDecoder.ThrowIfTruncated(frame.AsSpan(0, length)));
            Assert.Equal(ErrorCode.MalformedFrame, spanEx.Code);
        }
    }

    [Fact]
    public void A_stream_that_ends_on_a_frame_boundary_is_not_truncated()
    {
        var buffer = new ReadOnlySequence<byte>(FrameEncoder.ToArray(new Pong(9)));
        Assert.True(FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out _));
        FrameDecoder.ThrowIfTruncated(buffer);
        FrameDecoder.ThrowIfTruncated(ReadOnlySpan<byte>.Empty);
    }

    [Fact]
    public void Encoder_writes_exactly_the_measured_size_into_the_buffer_writer()
    {
        foreach (var message in Samples)
        {
            var writer = new ArrayBufferWriter<byte>();
            int written = FrameEncoder.Write(writer, message);
            Assert.Equal(FrameEncoder.GetFrameSize(message), written);
            Assert.Equal(written, writer.WrittenCount);
            Assert.Equal(FrameEncoder.ToArray(message), writer.WrittenSpan.ToArray());
            Assert.Equal(written - 4, BinaryPrimitives.ReadInt32BigEndian(writer.WrittenSpan));
            Assert.Equal((byte)message.Type, writer.WrittenSpan[4]);
        }
    }

    [Fact]
    public void Encoder_refuses_a_message_larger_than_the_frame_limit()
    {
        var tooMany = Enumerable.Range(0, 60_000).Select(i => new StatEntry("stat-entry-number-" + i, i)).ToArray();
        Assert.Throws<ArgumentException>(() => FrameEncoder.ToArray(new Stats("async", tooMany)));
    }

    [Fact]
    public void Encoder_refuses_a_list_longer_than_its_u16_count_before_writing()
    {
        var members = Enumerable.Repeat(new Member("a", ""), ushort.MaxValue + 1).ToArray();
        var writer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => FrameEncoder.Write(writer, new MemberList("#a", members)));
        Assert.Equal(0, writer.WrittenCount);
    }
}
