using System.Net;
using FsCheck;
using FsCheck.Fluent;
using TermChat.Protocol.Discovery;

namespace TermChat.Protocol.Tests.Discovery;

/// <summary>
/// Seeded mutation fuzzing: valid datagrams with random bit flips, byte writes, truncations and
/// extensions must never make the parser throw, and whatever it accepts must re-encode to a valid datagram.
/// </summary>
public sealed class DiscoveryCodecFuzzTests
{
    private static IEnumerable<byte[]> Seeds()
    {
        yield return DiscoveryCodec.ToArray(new DiscoveryProbe(0xDEADBEEF));
        yield return DiscoveryCodec.ToArray(new DiscoveryReply(
            5, Guid.NewGuid(), 1, "1.0.0", "fuzz", "threads", 3, 7777, 0,
            new AdvertisedAddress[] { new(IPAddress.Parse("10.99.0.1"), 24), new(IPAddress.Parse("fd00::2"), 64) }));
        yield return DiscoveryCodec.ToArray(new EchoRequest(9, 1, 700, 700));
        yield return DiscoveryCodec.ToArray(new EchoReply(9, 1, 700, true, 64));
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int mutations = random.Next(1, 6);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    int flip = random.Next(bytes.Count);
                    bytes[flip] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    int start = random.Next(bytes.Count);
                    bytes.RemoveRange(start, Math.Min(1 + random.Next(8), bytes.Count - start));
                    break;
                case 3:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                default:
                    if (bytes.Count > 6)
                    {
                        bytes.RemoveRange(random.Next(6, bytes.Count), 1);
                    }
                    break;
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void Mutated_datagrams_never_throw_and_accepted_ones_re_encode()
    {
        var random = new Random(20261122);
        var seeds = Seeds().ToArray();
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var input = Mutate(seeds[i % seeds.Length], random);
            if (DiscoveryCodec.TryParse(input, out var message))
            {
                accepted++;
                Assert.NotNull(message);
                var again = DiscoveryCodec.ToArray(message is EchoRequest or EchoReply ? Normalize(message) : message);
                Assert.True(DiscoveryCodec.TryParse(again, out _));
            }
        }
        // Mutations in padding and free fields keep some datagrams valid; most must be refused.
        Assert.InRange(accepted, 1, 19_999);
    }

    private static DiscoveryMessage Normalize(DiscoveryMessage message) => message switch
    {
        EchoRequest request => request with { Intact = true },
        EchoReply reply => reply with { Intact = true },
        _ => message,
    };

    [Fact]
    public void Arbitrary_bytes_never_throw()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            DiscoveryCodec.TryParse(bytes, out _);
            // With the header forced valid, the type-specific parsers see the random rest.
            for (byte type = 1; type <= 4; type++)
            {
                byte[] framed = [.. "TCDS"u8, DiscoveryDefaults.FormatVersion, type, .. bytes];
                DiscoveryCodec.TryParse(framed, out _);
            }
        }).QuickCheckThrowOnFailure();
    }
}
