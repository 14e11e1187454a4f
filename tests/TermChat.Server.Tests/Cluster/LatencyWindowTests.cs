using TermChat.Server.Cluster;

namespace TermChat.Server.Tests.Cluster;

/// <summary>The window of recent durations behind the cluster's commit-time figures.</summary>
public sealed class LatencyWindowTests
{
    [Fact]
    public void An_empty_window_reads_zero()
    {
        Assert.Equal(0, new LatencyWindow().Percentile(0.99));
    }

    [Fact]
    public void Percentiles_are_read_from_the_recorded_durations()
    {
        var window = new LatencyWindow();
        // 1..100 in a shuffled order: the window sorts what it holds.
        foreach (int micros in Enumerable.Range(1, 100).OrderBy(i => (i * 37) % 101)) window.Record(micros);

        Assert.Equal(50, window.Percentile(0.50));
        Assert.Equal(99, window.Percentile(0.99));
        Assert.Equal(100, window.Percentile(1.0));
        Assert.Equal(1, window.Percentile(0.0));
    }

    [Fact]
    public void Only_the_newest_durations_count_once_the_window_is_full()
    {
        var window = new LatencyWindow();
        for (int i = 0; i < LatencyWindow.Capacity; i++) window.Record(1_000_000);
        for (int i = 0; i < LatencyWindow.Capacity; i++) window.Record(5);

        Assert.Equal(5, window.Percentile(1.0));
    }
}
