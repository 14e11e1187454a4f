using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Scenarios;

namespace TermChat.LoadGen.Tests;

public class SweepRunnerTests
{
    // A fake server that meets the bound up to `capacity` messages per second and fails above it.
    private static Func<double, CancellationToken, Task<FanoutResult>> Server(double capacity, List<double> tried) => (rate, _) =>
    {
        tried.Add(rate);
        bool ok = rate <= capacity;
        var latency = new LatencySummary(100, 500, ok ? 2_000 : 50_000, 60_000, 70_000, 800);
        return Task.FromResult(new FanoutResult("fake", 100, 1, rate, 10, 1000, ok ? 1000 : 900, rate * 100, ok ? 0 : 10, latency, null, 0, null));
    };

    [Fact]
    public async Task Doubling_then_bisecting_finds_the_highest_passing_rate()
    {
        var tried = new List<double>();
        var result = await new SweepRunner(Server(5_000, tried), p99LimitUs: 10_000, bisections: 3).RunAsync(1_000, 100, 1_000_000, CancellationToken.None);
        Assert.Equal([1_000, 2_000, 4_000, 8_000, 6_000, 5_000, 5_500], tried);
        Assert.Equal(5_000, result.Best!.OfferedRate);
        Assert.Equal(7, result.Trials.Count);
    }

    [Fact]
    public async Task A_failing_start_halves_until_a_rate_passes()
    {
        var tried = new List<double>();
        var result = await new SweepRunner(Server(300, tried), 10_000, bisections: 0).RunAsync(1_000, 100, 1_000_000, CancellationToken.None);
        Assert.Equal([1_000, 500, 250], tried);
        Assert.Equal(250, result.Best!.OfferedRate);
    }

    [Fact]
    public async Task A_server_that_never_passes_has_no_best_rate()
    {
        var tried = new List<double>();
        var result = await new SweepRunner(Server(0, tried), 10_000, bisections: 2).RunAsync(400, 100, 1_000_000, CancellationToken.None);
        Assert.Null(result.Best);
        Assert.Equal([400, 200, 100], tried);
    }

    [Fact]
    public async Task The_sweep_stops_at_the_maximum_rate()
    {
        var tried = new List<double>();
        var result = await new SweepRunner(Server(double.MaxValue, tried), 10_000).RunAsync(1_000, 100, 3_000, CancellationToken.None);
        Assert.Equal([1_000, 2_000, 3_000], tried);
        Assert.Equal(3_000, result.Best!.OfferedRate);
    }
}
