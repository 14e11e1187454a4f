using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Protocol;
using static TermChat.Protocol.Tests.FrameTestData;

namespace TermChat.Protocol.Tests;

public sealed class RoundTripTests
{
    private static bool RoundTrips(Message message)
    {
        var frame = FrameEncoder.ToArray(message);
        var contiguous = DecodeOne(frame);
        var buffer = SegmentedSequence.Split(frame, frame.Length / 3, frame.Length / 2);
        Assert.True(FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out var segmented));
        Assert.Equal(0, buffer.Length);
        Assert.Equal(message, contiguous);
        Assert.Equal(message, segmented);
        // Decoding is strict, so re-encoding a decoded frame gives the same bytes.
        Assert.Equal(frame, FrameEncoder.ToArray(contiguous));
        return true;
    }

    [Fact]
    public void There_is_a_generator_for_every_message_type()
    {
        Assert.Equal(Enum.GetValues<MessageType>().Order(), MessageGenerators.ByType.Keys.Order());
        Assert.Equal(Enum.GetValues<MessageType>().Order(), Samples.Select(m => m.Type).Order());
    }

    [Fact]
    public void Decode_of_encode_is_the_same_message_for_every_type()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(3000).WithEndSize(200);
        Prop.ForAll(Arb.From(MessageGenerators.Any), RoundTrips).Check(config);
    }

    [Fact]
    public void Each_type_round_trips_on_its_own()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(100);
        foreach (var (type, gen) in MessageGenerators.ByType)
        {
            Prop.ForAll(Arb.From(gen), m => m.Type == type && RoundTrips(m)).Check(config);
        }
    }

    [Fact]
    public void Strings_at_exactly_their_limits_round_trip()
    {
        var messages = new Message[]
        {
            new SendMessage("#" + new string('r', 31), MessageKind.Say, string.Concat(Enumerable.Repeat("界", ProtocolLimits.MaxTextBytes / 3)) + "ab"),
            new Hello(ProtocolLimits.Version, new string('n', 24), ResumeToken.NewRandom(), Enumerable.Range(0, 64).Select(i => new RoomCursor("#" + new string('c', 29) + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), ulong.MaxValue)).ToArray()),
            new SetTopic("#t", string.Concat(Enumerable.Repeat("😀", ProtocolLimits.MaxTopicBytes / 4)) + "ab"),
            new SetAway(new string('x', ProtocolLimits.MaxReasonBytes)),
        };
        foreach (var message in messages)
        {
            Assert.True(RoundTrips(message));
        }
    }

    [Fact]
    public void The_seeded_sample_generator_in_the_test_kit_makes_only_valid_messages()
    {
        var random = new Random(7);
        foreach (var type in Enum.GetValues<MessageType>())
        {
            for (int i = 0; i < 50; i++)
            {
                Assert.True(RoundTrips(SampleMessages.Random(random, type)));
            }
        }
    }

    [Fact]
    public void A_lone_surrogate_is_sent_as_the_replacement_character_rather_than_invalid_utf8()
    {
        // Broken UTF-16 (for example a paste cut mid-pair) must never put invalid UTF-8 on the wire.
        var frame = FrameEncoder.ToArray(new SendMessage("#a", MessageKind.Say, "x\uD83Dy"));
        Assert.Equal(new SendMessage("#a", MessageKind.Say, "x\uFFFDy"), DecodeOne(frame));
    }
}
