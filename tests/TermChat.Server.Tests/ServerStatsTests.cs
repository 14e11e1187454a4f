namespace TermChat.Server.Tests;

public sealed class ServerStatsTests
{
    [Fact]
    public void A_sample_turns_totals_into_rates_and_resets_the_interval_peak()
    {
        var stats = new ServerStats();
        long second = TimeSpan.TicksPerSecond;
        stats.Sample(1 * second, second);
        for (int i = 0; i < 30; i++) stats.FrameIn(10);
        for (int i = 0; i < 60; i++) stats.FrameOut(10);
        stats.SendQueueDepth(5000);
        stats.SendQueueDepth(3000);

        var sample = stats.Sample(11 * second, second);
        Assert.Equal(new StatsSample(3, 6, 30, 60, 5000), sample);
        Assert.Equal(0, stats.Sample(21 * second, second).SendQueuePeak);
        Assert.Equal(5000, stats.SendQueuePeakEver);
    }

    [Fact]
    public void Disconnects_are_counted_by_reason_and_named_in_the_entries()
    {
        var stats = new ServerStats();
        stats.ConnectionOpened();
        stats.ConnectionOpened();
        stats.ConnectionClosed(DisconnectReason.SendQueueExceeded);
        Assert.Equal(1, stats.Connections);
        Assert.Equal("send_queue_exceeded=1", stats.DisconnectSummary());
        var entries = stats.ToEntries().ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(1, entries["disconnects_send_queue_exceeded"]);
        Assert.Equal(0, entries["disconnects_peer_closed"]);
        Assert.Equal(2, entries["accepted_total"]);
    }
}
