using System.Buffers.Binary;
using System.Net;
using TermChat.Protocol.Datagrams;
using TermChat.TestKit.Datagrams;

namespace TermChat.Protocol.Tests.Datagrams;

public class FuzzTests
{
    private const int Messages = 300;

    /// <summary>Seeded mutations of real datagrams plus random noise.</summary>
    private sealed class Mutator(Random random, List<byte[]> corpus)
    {
        public byte[] Next(ulong[] liveIds)
        {
            int pick = random.Next(10);
            if (pick == 0 || corpus.Count == 0)
            {
                var noise = new byte[random.Next(0, 1300)];
                random.NextBytes(noise);
                if (noise.Length >= 2 && random.Next(2) == 0)
                {
                    noise[0] = DatagramLimits.Marker;
                    noise[1] = (byte)random.Next(0, 8);
                }
                return noise;
            }
            var datagram = corpus[random.Next(corpus.Count)].ToArray();
            switch (pick)
            {
                case 1:
                    Array.Resize(ref datagram, random.Next(0, datagram.Length + 1));
                    break;
                case 2:
                    int grow = random.Next(1, 64);
                    Array.Resize(ref datagram, Math.Min(datagram.Length + grow, 1300));
                    random.NextBytes(datagram.AsSpan(datagram.Length - Math.Min(grow, datagram.Length)));
                    break;
                case 3:
                    // Splice: header of one datagram, body of another.
                    var other = corpus[random.Next(corpus.Count)];
                    int cut = Math.Min(random.Next(1, 40), Math.Min(datagram.Length, other.Length));
                    datagram = [.. datagram.AsSpan(0, cut), .. other.AsSpan(cut)];
                    break;
                default:
                    int flips = random.Next(1, 6);
                    for (int i = 0; i < flips && datagram.Length > 0; i++)
                    {
                        int at = random.Next(datagram.Length);
                        datagram[at] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)(datagram[at] ^ (1 << random.Next(8)));
                    }
                    break;
            }
            // Point many of them at live sessions so they get past the session lookup.
            if (datagram.Length >= DatagramLimits.HeaderBytes && liveIds.Length > 0 && random.Next(2) == 0)
            {
                BinaryPrimitives.WriteUInt64BigEndian(datagram.AsSpan(2), liveIds[random.Next(liveIds.Length)]);
            }
            return datagram;
        }
    }

    [Fact]
    public void A_million_random_and_mutated_datagrams_never_crash_the_engine_nor_disturb_the_sessions_of_others()
    {
        var harness = new DatagramHarness(77);
        int a = harness.AddClient(LinkConditions.Hostile);
        int b = harness.AddClient(LinkConditions.Hostile);
        var corpus = new List<byte[]>();
        harness.OnTransmit = (_, _, datagram) =>
        {
            if (corpus.Count < 5_000)
            {
                corpus.Add(datagram);
            }
        };
        var received = new[] { new List<int>(), new List<int>() };
        harness.OnClientMessage = (client, message) => received[client].Add(BinaryPrimitives.ReadInt32BigEndian(message));
        harness.OnServerMessage = (session, message) =>
        {
            int to = session.SessionId == harness.ClientSession(a).SessionId ? b : a;
            Assert.True(harness.ServerSessionOf(to)!.TrySend(message));
        };
        Assert.True(harness.RunUntil(() => harness.ServerSessions.Count == 2, 30_000));
        for (int i = 0; i < Messages; i++)
        {
            harness.ClientSession(a).TrySend(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(i)));
            harness.ClientSession(b).TrySend(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(i)));
        }

        var random = new Random(1234);
        var mutator = new Mutator(random, corpus);
        var reply = new byte[DatagramLimits.MaxDatagramBytes];
        var attackers = Enumerable.Range(0, 16).Select(i => new IPEndPoint(IPAddress.Parse($"203.0.113.{i + 1}"), 50000 + i).Serialize()).ToArray();
        int inputs = 0;
        // Phase 1: 800,000 datagrams through the server's front door while the two clients chat.
        while (inputs < 800_000 || received[0].Count < Messages || received[1].Count < Messages)
        {
            harness.Run(20);
            Assert.True(harness.NowMs < 1_000_000 + 900_000, "The chat did not finish under attack.");
            var live = harness.ServerSessions.Keys.ToArray();
            for (int i = 0; i < 2_000 && inputs < 800_000; i++, inputs++)
            {
                var datagram = mutator.Next(live);
                var route = harness.Server.Route(datagram, attackers[random.Next(attackers.Length)], harness.NowMs, reply, out int replyBytes, out _);
                Assert.True(route is DatagramRoute.Dropped or DatagramRoute.Reply);
                Assert.True(replyBytes <= 3 * datagram.Length);
            }
        }

        Assert.Equal(Enumerable.Range(0, Messages), received[0]);
        Assert.Equal(Enumerable.Range(0, Messages), received[1]);
        Assert.Equal(2, harness.Server.Count);
        Assert.All(harness.ServerSessions.Values, s => Assert.Equal(SessionState.Open, s.State));

        // Phase 2: 200,000 mutated datagrams straight into one session that believes they are from its peer.
        // It may be talked into closing (a forged Close, an oversized message): then a fresh one takes its place.
        var victimOptions = DatagramOptions.Default with { MaxOutOfOrderBytes = 64 * 1024, MaxIncomingMessageBytes = 16 * 1024 };
        var victim = ReliableSession.CreateServer(harness.ClientSession(a).SessionId, victimOptions, harness.NowMs);
        long packetsAccepted = 0;
        long messagesDelivered = 0;
        int victims = 1;
        var buffer = new byte[DatagramLimits.MaxDatagramBytes];
        long now = harness.NowMs;
        var victimId = new[] { victim.SessionId };
        for (int i = 0; i < 200_000; i++, inputs++)
        {
            var datagram = mutator.Next(victimId);
            if (datagram.Length >= DatagramLimits.PacketHeaderBytes && datagram[1] == (byte)DatagramType.Packet && random.Next(2) == 0)
            {
                // Clear the ack block (the victim has sent nothing) so the frames behind it get parsed.
                datagram.AsSpan(14, 16).Clear();
            }
            victim.OnDatagram(datagram, now);
            while (victim.Poll(now, buffer) > 0)
            {
            }
            while (victim.TryReceive(out _))
            {
            }
            now += random.Next(0, 3);
            if (victim.State == SessionState.Closed)
            {
                packetsAccepted += victim.Stats.PacketsReceived;
                messagesDelivered += victim.Stats.MessagesReceived;
                victim = ReliableSession.CreateServer(victim.SessionId, victimOptions, now);
                victims++;
            }
        }
        packetsAccepted += victim.Stats.PacketsReceived;
        messagesDelivered += victim.Stats.MessagesReceived;
        Assert.True(inputs >= 1_000_000);
        Assert.True(packetsAccepted > 10_000 && messagesDelivered > 1_000, $"{packetsAccepted} packets, {messagesDelivered} messages, {victims} sessions");
    }
}
