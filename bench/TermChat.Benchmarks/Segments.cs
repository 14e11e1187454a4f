using System.Buffers;

namespace TermChat.Benchmarks;

/// <summary>Splits bytes into a multi-segment sequence, as a pipe delivers a frame that arrived in pieces.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] points)
    {
        Segment? first = null, last = null;
        int start = 0;
        foreach (int end in points.Append(bytes.Length))
        {
            var segment = new Segment(bytes.AsMemory(start, end - start), start);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }
            last = segment;
            start = end;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
