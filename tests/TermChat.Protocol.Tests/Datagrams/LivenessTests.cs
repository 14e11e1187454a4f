using TermChat.Protocol.Datagrams;
using TermChat.TestKit.Datagrams;

namespace TermChat.Protocol.Tests.Datagrams;

public class LivenessTests
{
    private static readonly DatagramOptions Defaults = DatagramOptions.Default;

    // The documented bound: an idle session pings after KeepaliveInterval; the ping then goes unanswered for DeadPeerTimeout.
    private static readonly long IdleBoundMs = Defaults.KeepaliveIntervalMs + Defaults.DeadPeerTimeoutMs;

    private static DatagramHarness Connected(LinkConditions link, out int client)
    {
        var harness = new DatagramHarness(9);
        client = harness.AddClient(link);
        int c = client;
        Assert.True(harness.RunUntil(() => harness.ServerSessionOf(c) is not null && harness.ClientSession(c).State == SessionState.Open, 30_000));
        harness.Run(100);
        return harness;
    }

    [Fact]
    public void An_idle_session_pings_every_five_seconds_and_stays_open()
    {
        var harness = Connected(LinkConditions.Perfect, out int client);
        long sentBefore = harness.ClientSession(client).Stats.PacketsSent;

        harness.Run(60_000);

        // One ping per 5 s each way, plus an ack for each.
        long pings = harness.ClientSession(client).Stats.PacketsSent - sentBefore;
        Assert.InRange(pings, 12, 26);
        Assert.Equal(SessionState.Open, harness.ClientSession(client).State);
        Assert.Equal(SessionState.Open, harness.ServerSessionOf(client)!.State);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void A_hostile_link_idle_for_ten_minutes_is_not_mistaken_for_a_dead_peer(int seed)
    {
        var harness = new DatagramHarness(seed);
        int client = harness.AddClient(LinkConditions.Hostile);
        Assert.True(harness.RunUntil(() => harness.ClientSession(client).State == SessionState.Open, 30_000));

        harness.Run(600_000);

        Assert.Equal(SessionState.Open, harness.ClientSession(client).State);
        Assert.Empty(harness.ServerClosed);
    }

    [Fact]
    public void The_server_detects_a_vanished_idle_client_within_the_documented_bound()
    {
        var harness = Connected(LinkConditions.Perfect, out int client);
        long frozenAt = harness.NowMs;
        harness.Freeze(client);

        Assert.True(harness.RunUntil(() => harness.ServerClosed.Count == 1, IdleBoundMs + 1_000));

        var (session, atMs) = harness.ServerClosed[0];
        Assert.Equal(SessionCloseReason.DeadPeer, session.CloseReason);
        Assert.InRange(atMs - frozenAt, Defaults.DeadPeerTimeoutMs, IdleBoundMs);
    }

    [Fact]
    public void Unacknowledged_data_gets_a_dead_peer_verdict_after_the_dead_peer_timeout()
    {
        var harness = Connected(LinkConditions.Perfect, out int client);
        harness.Freeze(client);
        long sentAt = harness.NowMs;
        harness.ServerSessionOf(client)!.TrySend(new byte[100]);

        Assert.True(harness.RunUntil(() => harness.ServerClosed.Count == 1, IdleBoundMs));

        Assert.Equal(SessionCloseReason.DeadPeer, harness.ServerClosed[0].Session.CloseReason);
        Assert.Equal(Defaults.DeadPeerTimeoutMs, harness.ServerClosed[0].AtMs - sentAt);
    }

    [Fact]
    public void A_client_whose_server_vanished_reports_a_dead_peer_within_the_documented_bound()
    {
        var harness = Connected(LinkConditions.Perfect, out int client);
        long cutAt = harness.NowMs;
        harness.SetLink(client, new LinkConditions(Loss: 1));

        Assert.True(harness.RunUntil(() => harness.ClientSession(client).State == SessionState.Closed, IdleBoundMs));

        Assert.Equal(SessionCloseReason.DeadPeer, harness.ClientSession(client).CloseReason);
        Assert.InRange(harness.NowMs - cutAt, Defaults.DeadPeerTimeoutMs, IdleBoundMs);
    }

    [Fact]
    public void A_client_gives_up_on_an_unreachable_server_after_the_handshake_timeout()
    {
        var harness = new DatagramHarness(4);
        int client = harness.AddClient(new LinkConditions(Loss: 1));

        Assert.True(harness.RunUntil(() => harness.ClientSession(client).State == SessionState.Closed, 60_000));

        Assert.Equal(SessionCloseReason.HandshakeTimeout, harness.ClientSession(client).CloseReason);
        Assert.Equal(1_000_000 + Defaults.HandshakeTimeoutMs, harness.NowMs);
    }

    [Fact]
    public void Closing_with_flush_delivers_everything_queued_and_then_tells_the_peer()
    {
        var harness = new DatagramHarness(8);
        int client = harness.AddClient(new LinkConditions(Loss: 0.2, Duplicate: 0.1, Reorder: 0.1, DelayMs: 10, JitterMs: 5));
        var received = new List<byte[]>();
        harness.OnServerMessage = (_, message) => received.Add(message);
        var session = harness.ClientSession(client);
        for (int i = 0; i < 300; i++)
        {
            Assert.True(session.TrySend(BitConverter.GetBytes(i)));
        }
        session.Close();
        Assert.False(session.TrySend(new byte[1]));

        Assert.True(harness.RunUntil(() => harness.ServerClosed.Count == 1, 120_000));

        Assert.Equal(Enumerable.Range(0, 300), received.Select(m => BitConverter.ToInt32(m)));
        Assert.Equal(SessionCloseReason.PeerClosed, harness.ServerClosed[0].Session.CloseReason);
        Assert.Equal(SessionCloseReason.Local, session.CloseReason);
    }

    [Fact]
    public void A_peer_sending_a_message_over_the_limit_is_closed_for_a_protocol_violation()
    {
        var harness = new DatagramHarness(10, serverOptions: DatagramOptions.Default with { MaxIncomingMessageBytes = 16 * 1024 });
        int client = harness.AddClient(LinkConditions.Perfect);
        harness.ClientSession(client).TrySend(new byte[16 * 1024 + 1]);

        Assert.True(harness.RunUntil(() => harness.ClientSession(client).State == SessionState.Closed, 30_000));

        Assert.Equal(SessionCloseReason.ProtocolViolation, harness.ServerClosed.Single().Session.CloseReason);
        Assert.Equal((SessionCloseReason.PeerClosed, CloseCode.ProtocolViolation), (harness.ClientSession(client).CloseReason, harness.ClientSession(client).PeerCloseCode));
    }

    [Fact]
    public void The_send_queue_is_bounded()
    {
        var session = ReliableSession.CreateClient(DatagramOptions.Default with { MaxSendQueueBytes = 10_000 }, 0);
        Assert.True(session.TrySend(new byte[6_000]));
        Assert.False(session.TrySend(new byte[6_000]));
        Assert.True(session.TrySend(new byte[4_000]));
        Assert.Equal(10_000, session.QueuedBytes);
        Assert.Throws<ArgumentException>(() => session.TrySend(ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void Discarding_the_queue_keeps_a_message_that_is_partly_sent_and_drops_the_rest()
    {
        var session = ReliableSession.CreateServer(1, null, 0);
        var buffer = new byte[DatagramLimits.MaxDatagramBytes];
        session.Poll(0, buffer); // the Accept
        session.TrySend(new byte[3000]);
        session.TrySend(new byte[100]);
        session.TrySend(new byte[200]);
        session.Poll(0, buffer); // the first 1161 bytes of the 3000-byte message leave

        Assert.Equal(300, session.DiscardQueued());
        Assert.Equal(3000, session.QueuedBytes);
    }

    [Fact]
    public void A_close_goes_out_three_times_and_again_to_a_peer_that_keeps_talking_during_the_linger()
    {
        var harness = Connected(LinkConditions.Perfect, out int client);
        var clientSession = harness.ClientSession(client);
        var serverSession = harness.ServerSessionOf(client)!;
        var buffer = new byte[DatagramLimits.MaxDatagramBytes];
        long now = harness.NowMs;

        clientSession.Close(flush: false);
        int copies = 0;
        while (clientSession.Poll(now, buffer) is > 0 and var length)
        {
            Assert.Equal(DatagramLimits.CloseBytes, length);
            copies++;
        }
        Assert.Equal(3, copies);

        // All three were lost; the server, unaware, sends a message.
        serverSession.TrySend(new byte[] { 42 });
        var packet = buffer[..serverSession.Poll(now, buffer)];
        Assert.True(clientSession.OnDatagram(packet, now + 5));
        int again = clientSession.Poll(now + 5, buffer);
        Assert.Equal(DatagramLimits.CloseBytes, again);
        Assert.True(serverSession.OnDatagram(buffer.AsSpan(0, again), now + 10));

        Assert.Equal(SessionCloseReason.PeerClosed, serverSession.CloseReason);
        // The linger ends after a few retransmission timeouts; then the session is finished.
        Assert.NotEqual(long.MaxValue, clientSession.NextTimerMs);
        Assert.Equal(0, clientSession.Poll(now + 2_000, buffer));
        Assert.Equal(long.MaxValue, clientSession.NextTimerMs);
        Assert.False(clientSession.OnDatagram(packet, now + 2_001));
    }
}
