using TermChat.Protocol.Datagrams;

namespace TermChat.Protocol.Tests.Datagrams;

public class EngineUnitTests
{
    private static readonly DatagramOptions Options = DatagramOptions.Default;

    [Fact]
    public void The_first_rtt_sample_sets_srtt_and_half_of_it_as_rttvar()
    {
        var rtt = new RttEstimator(Options);
        Assert.Equal(500, rtt.RtoMs);

        rtt.AddSample(100, 0);

        Assert.Equal((100.0, 50.0), (rtt.SmoothedMs, rtt.VarianceMs));
        Assert.Equal(100 + 200 + 25, rtt.RtoMs);
    }

    [Fact]
    public void Later_samples_follow_rfc_6298_with_alpha_one_eighth_and_beta_one_quarter()
    {
        var rtt = new RttEstimator(Options);
        rtt.AddSample(100, 0);
        rtt.AddSample(200, 0);

        // RTTVAR = 3/4·50 + 1/4·|100 − 200| = 62.5; SRTT = 7/8·100 + 1/8·200 = 112.5
        Assert.Equal((112.5, 62.5), (rtt.SmoothedMs, rtt.VarianceMs));
        Assert.Equal((int)Math.Ceiling(112.5 + 4 * 62.5 + 25), rtt.RtoMs);
    }

    [Fact]
    public void The_ack_delay_is_subtracted_unless_that_goes_below_the_minimum_rtt()
    {
        var rtt = new RttEstimator(Options);
        rtt.AddSample(40, 0);
        rtt.AddSample(60, 20);
        Assert.Equal(40, rtt.LatestMs);
        rtt.AddSample(45, 20);
        Assert.Equal(45, rtt.LatestMs);
    }

    [Fact]
    public void The_rto_is_clamped_and_doubles_on_each_timeout_up_to_the_maximum()
    {
        var rtt = new RttEstimator(Options);
        rtt.AddSample(1, 0);
        Assert.Equal(50, rtt.RtoMs);

        var seen = new List<int>();
        for (int i = 0; i < 8; i++)
        {
            rtt.OnTimeout();
            seen.Add(rtt.RtoMs);
        }

        Assert.Equal([100, 200, 400, 800, 1600, 2000, 2000, 2000], seen);
        rtt.AddSample(1, 0);
        Assert.Equal(50, rtt.RtoMs);
    }

    [Fact]
    public void A_time_threshold_loss_is_nine_eighths_of_the_larger_of_srtt_and_latest()
    {
        var rtt = new RttEstimator(Options);
        rtt.AddSample(80, 0);
        Assert.Equal(90, rtt.LossDelayMs);
        rtt.AddSample(160, 0);
        Assert.Equal(180, rtt.LossDelayMs);
    }

    [Fact]
    public void The_ack_bitmap_describes_the_64_packets_below_the_largest()
    {
        var received = new ReceivedPackets(Options);
        foreach (uint number in new uint[] { 1, 2, 4, 70, 69, 6 })
        {
            received.Record(number, ackEliciting: false, nowMs: 0);
        }

        Assert.Equal(70u, received.Largest);
        // 69 is distance 1 (bit 0); 6 is distance 64 (bit 63); 4, 2, 1 are beyond the bitmap.
        Assert.Equal(1UL | (1UL << 63), received.Bitmap);
        Assert.True(received.Contains(69));
        Assert.True(received.Contains(6));
        Assert.False(received.Contains(68));
        Assert.False(received.Contains(71));
    }

    [Fact]
    public void The_documented_selective_ack_example_holds()
    {
        var received = new ReceivedPackets(Options);
        foreach (uint number in new uint[] { 1, 2, 3, 6, 8, 9 })
        {
            received.Record(number, ackEliciting: false, nowMs: 0);
        }

        Assert.Equal((9u, 0xE5UL), (received.Largest, received.Bitmap));
    }

    [Fact]
    public void An_ack_is_due_after_two_ack_eliciting_packets_or_after_25_ms()
    {
        var received = new ReceivedPackets(Options);
        received.Record(1, ackEliciting: false, nowMs: 0);
        Assert.False(received.AckDue(1000));

        received.Record(2, ackEliciting: true, nowMs: 1000);
        Assert.False(received.AckDue(1024));
        Assert.True(received.AckDue(1025));

        received.OnAckSent();
        received.Record(3, ackEliciting: true, nowMs: 2000);
        received.Record(4, ackEliciting: true, nowMs: 2000);
        Assert.True(received.AckDue(2000));
    }

    [Fact]
    public void The_reassembler_delivers_in_order_once_whatever_the_arrival_order()
    {
        var reassembler = new Reassembler(Options);
        var chunks = new (uint Seq, string Text, bool End)[] { (2, "c", true), (0, "a", false), (3, "d", true), (1, "b", false), (0, "a", false), (3, "d", true) };
        foreach (var (seq, text, end) in chunks)
        {
            Assert.Equal(ChunkOutcome.Stored, reassembler.Accept(seq, System.Text.Encoding.ASCII.GetBytes(text), end));
        }

        var messages = new List<string>();
        while (reassembler.TryDequeue(out var message))
        {
            messages.Add(System.Text.Encoding.ASCII.GetString(message));
        }
        Assert.Equal(["abc", "d"], messages);
        Assert.Equal(2, reassembler.Duplicates);
        Assert.Equal((4u, 0, 0), (reassembler.Next, reassembler.EarlyBytes, reassembler.PartialBytes));
    }

    [Fact]
    public void Early_chunks_beyond_the_reassembly_cap_are_refused_but_the_next_expected_one_never_is()
    {
        var reassembler = new Reassembler(Options with { MaxOutOfOrderBytes = 1000 });
        Assert.Equal(ChunkOutcome.Stored, reassembler.Accept(5, new byte[600], true));
        Assert.Equal(ChunkOutcome.NoRoom, reassembler.Accept(6, new byte[600], true));
        Assert.Equal(600, reassembler.EarlyBytes);

        for (uint seq = 0; seq < 5; seq++)
        {
            Assert.Equal(ChunkOutcome.Stored, reassembler.Accept(seq, new byte[900], true));
        }
        Assert.Equal((6u, 0), (reassembler.Next, reassembler.EarlyBytes));
    }

    [Fact]
    public void A_message_over_the_incoming_limit_is_a_violation()
    {
        var reassembler = new Reassembler(Options with { MaxIncomingMessageBytes = 2000 });
        Assert.Equal(ChunkOutcome.Stored, reassembler.Accept(0, new byte[1000], false));
        Assert.Equal(ChunkOutcome.Stored, reassembler.Accept(1, new byte[1000], false));
        Assert.Equal(ChunkOutcome.TooLarge, reassembler.Accept(2, new byte[1], true));
    }

    [Fact]
    public void The_window_halves_on_loss_once_per_round_and_grows_additively()
    {
        var window = new CongestionWindow(Options);
        Assert.Equal(10, window.Packets);
        for (int i = 0; i < 6; i++)
        {
            window.OnAcked(sentMs: 10);
        }
        Assert.Equal(16, window.Packets);

        window.OnLost(sentMs: 20, nowMs: 100);
        Assert.Equal(8, window.Packets);
        window.OnLost(sentMs: 90, nowMs: 110);   // sent before the reduction: same loss event
        Assert.Equal(8, window.Packets);
        window.OnAcked(sentMs: 50);              // sent before the reduction: no growth
        Assert.Equal(8, window.Packets);

        for (int i = 0; i < 8; i++)
        {
            window.OnAcked(sentMs: 200);         // congestion avoidance: +1 per window
        }
        Assert.Equal(9, window.Packets);

        window.OnLost(sentMs: 300, nowMs: 400);
        Assert.Equal(4, window.Packets);
        window.OnTimeout(nowMs: 500);
        Assert.Equal(Options.MinWindowPackets, window.Packets);
    }

    [Fact]
    public void After_a_timeout_the_window_grows_by_slow_start_to_half_its_former_size_then_linearly()
    {
        var window = new CongestionWindow(Options);
        for (int i = 0; i < 10; i++)
        {
            window.OnAcked(sentMs: 10);
        }
        Assert.Equal(20, window.Packets);

        window.OnTimeout(nowMs: 100);
        Assert.Equal(2, window.Packets);
        window.OnAcked(sentMs: 90);              // sent before the timeout: no growth
        Assert.Equal(2, window.Packets);
        for (int i = 0; i < 8; i++)
        {
            window.OnAcked(sentMs: 200);         // slow start: +1 per packet up to the threshold of 10
        }
        Assert.Equal(10, window.Packets);
        for (int i = 0; i < 10; i++)
        {
            window.OnAcked(sentMs: 200);         // then +1 per window's worth
        }
        Assert.Equal(11, window.Packets);
    }

    [Fact]
    public void A_packet_number_received_twice_stays_acknowledged_and_makes_an_ack_due_at_once()
    {
        var received = new ReceivedPackets(Options);
        received.Record(1, ackEliciting: true, nowMs: 0);
        received.Record(2, ackEliciting: true, nowMs: 0);
        received.OnAckSent();

        received.Record(1, ackEliciting: true, nowMs: 5);

        Assert.True(received.AckDue(nowMs: 5));
        Assert.Equal((2u, 1UL), (received.Largest, received.Bitmap));
    }
}
