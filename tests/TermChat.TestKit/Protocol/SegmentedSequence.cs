using System.Buffers;

namespace TermChat.TestKit.Protocol;

/// <summary>
/// Builds multi-segment <see cref="ReadOnlySequence{T}"/> values, the shape a pipe hands a parser
/// when bytes arrive in pieces, so codec and transport tests can feed every possible split.
/// </summary>
public static class SegmentedSequence
{
    /// <summary>Splits <paramref name="bytes"/> at the given offsets (sorted, duplicates give empty segments).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> bytes, params int[] splitPoints)
    {
        var points = splitPoints.Order().ToArray();
        var segments = new List<ReadOnlyMemory<byte>>(points.Length + 1);
        int start = 0;
        foreach (int point in points)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(point, start, nameof(splitPoints));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(point, bytes.Length, nameof(splitPoints));
            segments.Add(bytes[start..point].ToArray());
            start = point;
        }
        segments.Add(bytes[start..].ToArray());
        return FromSegments(segments);
    }

    /// <summary>One byte per segment: the worst case a reader can see.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(ReadOnlySpan<byte> bytes)
    {
        var segments = new List<ReadOnlyMemory<byte>>(bytes.Length);
        foreach (byte b in bytes)
        {
            segments.Add(new[] { b });
        }
        return FromSegments(segments);
    }

    /// <summary>Splits into segments of random sizes (1 to <paramref name="maxSegment"/> bytes).</summary>
    public static ReadOnlySequence<byte> RandomSplit(ReadOnlySpan<byte> bytes, Random random, int maxSegment = 16)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        int start = 0;
        while (start < bytes.Length)
        {
            int size = Math.Min(random.Next(1, maxSegment + 1), bytes.Length - start);
            segments.Add(bytes.Slice(start, size).ToArray());
            start += size;
        }
        return FromSegments(segments);
    }

    /// <summary>Chains the given memories into one sequence, each as its own segment.</summary>
    public static ReadOnlySequence<byte> FromSegments(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        if (segments.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(segments[0], 0);
        var last = first;
        for (int i = 1; i < segments.Count; i++)
        {
            last = last.Append(segments[i]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
