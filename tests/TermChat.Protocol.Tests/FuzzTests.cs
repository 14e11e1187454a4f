using System.Buffers;
using System.Buffers.Binary;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Protocol;

namespace TermChat.Protocol.Tests;

public sealed class FuzzTests
{
    private const int Iterations = 1_000_000;

    /// <summary>
    /// Mutates valid frames a million times (seeded, so a failure reproduces) and requires the decoder
    /// to either decode, ask for more, or throw <see cref="ProtocolException"/>: never anything else.
    /// Whatever does decode must re-encode to the very bytes it came from.
    /// </summary>
    [Fact]
    public void A_million_mutated_frames_only_ever_raise_protocol_exceptions()
    {
        var random = new Random(0x7C47);
        var seeds = SampleMessages.OneOfEach()
            .Concat(Enumerable.Range(0, 200).Select(_ => SampleMessages.Random(random)))
            .Where(m => FrameEncoder.GetFrameSize(m) <= 600)
            .Select(FrameEncoder.ToArray)
            .ToArray();
        var scratch = new byte[2048];
        int decoded = 0, incomplete = 0, rejected = 0;

        for (int i = 0; i < Iterations; i++)
        {
            int length = Mutate(random, seeds[random.Next(seeds.Length)], scratch);
            var input = scratch.AsSpan(0, length);
            try
            {
                if (FrameDecoder.TryRead(input, ProtocolLimits.DefaultClientFrameBytes, out var message, out int consumed))
                {
                    decoded++;
                    Assert.True(input[..consumed].SequenceEqual(FrameEncoder.ToArray(message)), $"iteration {i}: {message} re-encodes differently");
                }
                else
                {
                    incomplete++;
                }
                // Every 64th input also goes through the sequence overload in pieces, which must agree.
                if ((i & 63) == 0)
                {
                    CheckSequenceAgrees(input, random);
                }
            }
            catch (ProtocolException)
            {
                rejected++;
            }
        }

        Assert.Equal(Iterations, decoded + incomplete + rejected);
        // The mutations must exercise all three outcomes, or the loop tests nothing.
        Assert.True(decoded > Iterations / 50, $"only {decoded} decoded");
        Assert.True(incomplete > Iterations / 50, $"only {incomplete} incomplete");
        Assert.True(rejected > Iterations / 4, $"only {rejected} rejected");
    }

    private static void CheckSequenceAgrees(ReadOnlySpan<byte> input, Random random)
    {
        bool spanOk = FrameDecoder.TryRead(input, ProtocolLimits.DefaultClientFrameBytes, out var spanMessage, out int consumed);
        var buffer = SegmentedSequence.RandomSplit(input, random, 7);
        bool sequenceOk = FrameDecoder.TryRead(ref buffer, ProtocolLimits.DefaultClientFrameBytes, out var sequenceMessage);
        Assert.Equal(spanOk, sequenceOk);
        if (spanOk)
        {
            Assert.Equal(spanMessage, sequenceMessage);
            Assert.Equal(input.Length - consumed, buffer.Length);
        }
    }

    /// <summary>Writes a mutation of <paramref name="seed"/> into <paramref name="output"/> and returns its length.</summary>
    private static int Mutate(Random random, byte[] seed, byte[] output)
    {
        seed.CopyTo(output, 0);
        int length = seed.Length;
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(10))
            {
                case 0: // flip one bit
                    output[random.Next(length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // set a byte to an interesting value
                    output[random.Next(length)] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2: // set a byte to anything
                    output[random.Next(length)] = (byte)random.Next(256);
                    break;
                case 3: // truncate
                    length = random.Next(length + 1);
                    break;
                case 4: // insert bytes
                {
                    int at = random.Next(length + 1);
                    int count = Math.Min(random.Next(1, 9), output.Length - length);
                    Array.Copy(output, at, output, at + count, length - at);
                    random.NextBytes(output.AsSpan(at, count));
                    length += count;
                    break;
                }
                case 5: // delete bytes
                {
                    int at = random.Next(length + 1);
                    int count = Math.Min(random.Next(1, 9), length - at);
                    Array.Copy(output, at + count, output, at, length - at - count);
                    length -= count;
                    break;
                }
                case 6: // edit the length field, keeping the body: off by a little, or wild
                    if (length >= 4)
                    {
                        int prefix = BinaryPrimitives.ReadInt32BigEndian(output);
                        int edited = random.Next(3) == 0 ? random.Next(int.MinValue, int.MaxValue) : prefix + random.Next(-3, 4);
                        BinaryPrimitives.WriteInt32BigEndian(output, edited);
                    }
                    break;
                case 7: // fix the length field to match whatever the body is now (reaches the payload parser)
                    if (length >= 5)
                    {
                        BinaryPrimitives.WriteInt32BigEndian(output, length - 4);
                    }
                    break;
                case 8: // overwrite a u16 somewhere (string lengths and list counts)
                    if (length >= 2)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(random.Next(length - 1)), (ushort)Interesting16[random.Next(Interesting16.Length)]);
                    }
                    break;
                default: // replace with random bytes
                    length = random.Next(0, 64);
                    random.NextBytes(output.AsSpan(0, length));
                    if (random.Next(2) == 0 && length >= 5)
                    {
                        BinaryPrimitives.WriteInt32BigEndian(output, length - 4);
                    }
                    break;
            }
        }
        return length;
    }

    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF];

    private static readonly int[] Interesting16 = [0, 1, 2, 3, 24, 25, 32, 33, 64, 65, 200, 201, 390, 391, 8192, 8193, 0x7FFF, 0xFFFF];
}
