using System.Buffers;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Protocol;

namespace TermChat.Protocol.Tests;

/// <summary>
/// Decoding must allocate the message and its strings and nothing else (no buffers, no boxing), and
/// encoding into a writer with room must allocate nothing. Counted per thread, so other work does not interfere.
/// </summary>
public sealed class AllocationTests
{
    private const int Rounds = 200;

    private static readonly RoomMessage Typical =
        new("#lobby", 1234, 1_763_790_000_000, "alice", MessageKind.Say, "Has anyone tried the new build on the staging box yet? 👀", false);

    private static long AllocatedPerRound(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++)
        {
            action();
        }
        return (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
    }

    // What the decoded result itself costs: the same record built from fresh copies of its strings.
    private static long ResultBytes(RoomMessage m) => AllocatedPerRound(() =>
        GC.KeepAlive(new RoomMessage(new string(m.Room.AsSpan()), m.Seq, m.TimeMs, new string(m.From.AsSpan()), m.Kind, new string(m.Text.AsSpan()), m.Replay)));

    [Fact]
    public void Decoding_a_contiguous_frame_allocates_only_the_message_and_its_strings()
    {
        var frame = FrameEncoder.ToArray(Typical);
        long decode = AllocatedPerRound(() =>
        {
            var buffer = new ReadOnlySequence<byte>(frame);
            FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out var message);
            GC.KeepAlive(message);
        });
        Assert.Equal(ResultBytes(Typical), decode);
    }

    [Fact]
    public void Decoding_a_frame_split_across_segments_allocates_only_the_message_and_its_strings()
    {
        var frame = FrameEncoder.ToArray(Typical);
        var segmented = SegmentedSequence.Split(frame, 2, 30, 31, 60);
        long decode = AllocatedPerRound(() =>
        {
            var buffer = segmented;
            FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out var message);
            GC.KeepAlive(message);
        });
        Assert.Equal(ResultBytes(Typical), decode);
    }

    [Fact]
    public void Decoding_a_large_segmented_frame_reuses_pooled_buffers()
    {
        var large = Typical with { Text = new string('x', 4000) };
        var segmented = SegmentedSequence.Split(FrameEncoder.ToArray(large), 100, 2000);
        long decode = AllocatedPerRound(() =>
        {
            var buffer = segmented;
            FrameDecoder.TryRead(ref buffer, ProtocolLimits.MaxFrameBytes, out var message);
            GC.KeepAlive(message);
        });
        Assert.Equal(ResultBytes(large), decode);
    }

    [Fact]
    public void Encoding_into_a_writer_with_room_allocates_nothing()
    {
        var writer = new ArrayBufferWriter<byte>(4096);
        long encode = AllocatedPerRound(() =>
        {
            writer.ResetWrittenCount();
            FrameEncoder.Write(writer, Typical);
        });
        Assert.Equal(0, encode);
    }
}
