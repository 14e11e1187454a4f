using System.Buffers;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Protocol;
using static TermChat.Protocol.Tests.FrameTestData;

namespace TermChat.Protocol.Tests;

public sealed class SegmentationTests
{
    private static List<Message> DecodeAll(ReadOnlySequence<byte> buffer)
    {
        var messages = new List<Message>();
        while (FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out var message))
        {
            messages.Add(message);
        }
        Assert.Equal(0, buffer.Length);
        return messages;
    }

    [Theory]
    [MemberData(nameof(SampleIndexes), MemberType = typeof(FrameTestData))]
    public void Every_single_split_point_decodes_the_same_as_contiguous_bytes(int index)
    {
        var frame = FrameEncoder.ToArray(Samples[index]);
        var expected = DecodeAll(new ReadOnlySequence<byte>(frame));
        Assert.Equal([Samples[index]], expected);
        for (int split = 0; split <= frame.Length; split++)
        {
            Assert.Equal(expected, DecodeAll(SegmentedSequence.Split(frame, split)));
        }
    }

    [Theory]
    [MemberData(nameof(SampleIndexes), MemberType = typeof(FrameTestData))]
    public void Every_pair_of_split_points_decodes_the_same_as_contiguous_bytes(int index)
    {
        var frame = FrameEncoder.ToArray(Samples[index]);
        for (int first = 0; first <= frame.Length; first++)
        {
            for (int second = first; second <= frame.Length; second++)
            {
                Assert.Equal([Samples[index]], DecodeAll(SegmentedSequence.Split(frame, first, second)));
            }
        }
    }

    [Fact]
    public void One_byte_per_segment_decodes_every_sample_in_one_stream()
    {
        var stream = Samples.SelectMany(FrameEncoder.ToArray).ToArray();
        Assert.Equal(Samples, DecodeAll(SegmentedSequence.OneBytePerSegment(stream)));
    }

    [Fact]
    public void A_large_frame_straddling_segments_decodes_through_the_pooled_copy()
    {
        var message = new RoomMessage("#lobby", 7, 1, "ann", MessageKind.Say, new string('界', 2000), false);
        var frame = FrameEncoder.ToArray(message);
        Assert.True(frame.Length > 512);
        Assert.Equal([message], DecodeAll(SegmentedSequence.OneBytePerSegment(frame)));
        Assert.Equal([message], DecodeAll(SegmentedSequence.Split(frame, 3, 600, 601)));
    }

    [Fact]
    public void Random_segmentations_of_random_streams_decode_to_the_sent_messages()
    {
        var random = new Random(20261122);
        for (int round = 0; round < 300; round++)
        {
            var sent = Enumerable.Range(0, random.Next(1, 6)).Select(_ => SampleMessages.Random(random)).ToList();
            var stream = sent.SelectMany(FrameEncoder.ToArray).ToArray();
            Assert.Equal(sent, DecodeAll(SegmentedSequence.RandomSplit(stream, random, random.Next(1, 64))));
        }
    }
}
