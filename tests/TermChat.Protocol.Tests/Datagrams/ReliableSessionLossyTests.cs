using System.Buffers.Binary;
using TermChat.Protocol.Datagrams;
using TermChat.TestKit.Datagrams;

namespace TermChat.Protocol.Tests.Datagrams;

public class ReliableSessionLossyTests
{
    // Each message: 4-byte sender id, 4-byte counter, then filler, so order and origin can be checked.
    private static byte[] Message(int sender, int counter, int size)
    {
        var bytes = new byte[size];
        BinaryPrimitives.WriteInt32BigEndian(bytes, sender);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), counter);
        for (int i = 8; i < size; i++)
        {
            bytes[i] = (byte)(counter * 31 + i);
        }
        return bytes;
    }

    /// <summary>Two clients chat through the server, which relays every message to the other client (a two-user hub).</summary>
    private static (List<byte[]> AtA, List<byte[]> AtB, DatagramHarness Harness) Chat(int seed, LinkConditions link, int count, Func<int, int> size)
    {
        var harness = new DatagramHarness(seed);
        int a = harness.AddClient(link);
        int b = harness.AddClient(link);
        var received = new[] { new List<byte[]>(), new List<byte[]>() };
        harness.OnClientMessage = (client, message) => received[client].Add(message);
        harness.OnServerMessage = (session, message) =>
        {
            int from = BinaryPrimitives.ReadInt32BigEndian(message);
            Assert.True(harness.ServerSessionOf(1 - from)!.TrySend(message));
        };
        Assert.True(harness.RunUntil(() => harness.ServerSessionOf(a) is not null && harness.ServerSessionOf(b) is not null, 60_000));
        for (int i = 0; i < count; i++)
        {
            Assert.True(harness.ClientSession(a).TrySend(Message(0, i, size(i))));
            Assert.True(harness.ClientSession(b).TrySend(Message(1, i, size(i))));
        }
        bool done = harness.RunUntil(() => received[0].Count == count && received[1].Count == count, maxVirtualMs: 600_000);
        Assert.True(done, $"Delivered {received[0].Count} and {received[1].Count} of {count} by {harness.NowMs}.");
        // Let stray duplicates and retransmissions land, then check nothing extra arrived.
        harness.Run(5_000);
        return (received[1], received[0], harness);
    }

    private static void AssertExactlyOnceInOrder(List<byte[]> received, int sender, int count, Func<int, int> size)
    {
        Assert.Equal(count, received.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(Message(sender, i, size(i)), received[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_thousand_messages_each_way_arrive_exactly_once_and_in_order_through_a_hostile_link(int seed)
    {
        Func<int, int> size = i => 20 + i % 200;
        var (fromA, fromB, harness) = Chat(seed, LinkConditions.Hostile, 1000, size);

        AssertExactlyOnceInOrder(fromA, 0, 1000, size);
        AssertExactlyOnceInOrder(fromB, 1, 1000, size);
        var stats = harness.ClientSession(0).Stats;
        Assert.True(stats.Retransmits > 0 && stats.PacketsLost > 0 && stats.DuplicatesDropped > 0, stats.ToString());
        Assert.InRange(stats.LossPercent, 5, 80);
        Assert.Equal(SessionState.Open, harness.ClientSession(0).State);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Messages_larger_than_one_datagram_survive_a_hostile_link(int seed)
    {
        // From a few bytes over one chunk up to 40 KB; chat frames can reach the 1 MiB frame limit.
        Func<int, int> size = i => i % 5 == 0 ? 40_000 + i : 1_200 + i * 97 % 9_000;
        var (fromA, fromB, _) = Chat(seed, LinkConditions.Hostile, 200, size);

        AssertExactlyOnceInOrder(fromA, 0, 200, size);
        AssertExactlyOnceInOrder(fromB, 1, 200, size);
    }

    [Fact]
    public void A_message_of_the_maximum_frame_size_crosses_a_lossy_link()
    {
        var harness = new DatagramHarness(21);
        int a = harness.AddClient(new LinkConditions(Loss: 0.2, Duplicate: 0.05, Reorder: 0.1, DelayMs: 10, JitterMs: 3));
        var big = Message(0, 0, ProtocolLimits.MaxFrameBytes + ProtocolLimits.LengthPrefixBytes);
        byte[]? received = null;
        harness.OnClientMessage = (_, message) => received = message;
        harness.OnServerMessage = (session, message) => session.TrySend(message);
        Assert.True(harness.ClientSession(a).TrySend(big));

        bool done = harness.RunUntil(() => received is not null, 600_000);
        Assert.True(done, $"{harness.NowMs} {harness.ClientSession(a).State} {harness.ClientSession(a).CloseReason} {harness.ClientSession(a).PeerCloseCode} {string.Join(",", harness.ServerClosed.Select(c => c.Session.CloseReason + "@" + c.AtMs))} {harness.ClientSession(a).Stats} {harness.ServerSessionOf(a)?.Stats}");
        Assert.Equal(big, received);
    }

    [Fact]
    public void Statistics_report_the_round_trip_time_of_the_link()
    {
        var harness = new DatagramHarness(5);
        int a = harness.AddClient(new LinkConditions(DelayMs: 40));
        int echoed = 0;
        harness.OnServerMessage = (session, message) => session.TrySend(message);
        harness.OnClientMessage = (_, _) => echoed++;
        for (int i = 0; i < 50; i++)
        {
            harness.ClientSession(a).TrySend(Message(0, i, 100));
            Assert.True(harness.RunUntil(() => echoed == i + 1, 10_000));
        }

        var stats = harness.ClientSession(a).Stats;
        Assert.InRange(stats.SmoothedRttMs, 78, 110);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(0, stats.Retransmits);
        Assert.Equal(0, stats.LossPercent);
        Assert.Equal(50, stats.MessagesSent);
        Assert.Equal(50, stats.MessagesReceived);
    }

    [Fact]
    public void A_1500_byte_message_goes_out_as_a_full_chunk_and_a_tail_as_documented()
    {
        var session = ReliableSession.CreateServer(1, null, 0);
        var buffer = new byte[DatagramLimits.MaxDatagramBytes];
        session.Poll(0, buffer); // the Accept
        session.TrySend(new byte[1500]);

        int first = session.Poll(0, buffer);
        Assert.Equal(1200, first);
        Assert.Equal(Convert.FromHexString("01000000000489"), buffer.AsSpan(32, 7).ToArray());
        int second = session.Poll(0, buffer);
        Assert.Equal(32 + 7 + 339, second);
        Assert.Equal(Convert.FromHexString("02000000010153"), buffer.AsSpan(32, 7).ToArray());
    }
}
