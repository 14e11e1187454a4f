using FsCheck;
using FsCheck.Fluent;
using TermChat.LoadGen.Metrics;

namespace TermChat.LoadGen.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void An_empty_histogram_reports_zero_everywhere()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal((0L, 0L, 0L, 0L, 0.0), (histogram.Count, histogram.Min, histogram.Max, histogram.ValueAtPercentile(99), histogram.Mean));
    }

    [Fact]
    public void Percentiles_of_a_uniform_range_are_within_the_bucket_precision_and_never_below_the_truth()
    {
        var histogram = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) histogram.Record(v * 1000);
        foreach (var (percentile, truth) in new[] { (50.0, 50_000_000L), (99.0, 99_000_000L), (99.9, 99_900_000L), (100.0, 100_000_000L) })
        {
            long reported = histogram.ValueAtPercentile(percentile);
            Assert.InRange(reported, truth, truth + truth / 128);
        }
        Assert.Equal((1000L, 100_000_000L, 100_000L), (histogram.Min, histogram.Max, histogram.Count));
    }

    [Fact]
    public void A_single_slow_value_is_the_top_percentile_and_the_max()
    {
        var histogram = new LatencyHistogram();
        for (int i = 0; i < 999; i++) histogram.Record(20_000);
        histogram.Record(5_000_000_000);
        Assert.Equal((5_000_000_000L, 5_000_000_000L), (histogram.ValueAtPercentile(100), histogram.Max));
        Assert.InRange(histogram.ValueAtPercentile(99), 20_000, 20_000 + 20_000 / 128);
        Assert.InRange(histogram.ValueAtPercentile(99.9), 20_000, 20_000 + 20_000 / 128);
    }

    [Fact]
    public void Every_value_lies_inside_its_bucket_and_buckets_are_at_most_one_128th_wide()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Select(v => (long)v * (v % 7 + 1)).ToArbitrary(), value =>
        {
            int index = LatencyHistogram.IndexOf(value);
            long low = LatencyHistogram.LowestInBucket(index);
            long high = LatencyHistogram.HighestInBucket(index);
            return low <= value && value <= high && (high - low) * 128 <= Math.Max(low, 1) && LatencyHistogram.IndexOf(high + 1) == index + 1;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Merging_two_histograms_equals_recording_everything_in_one()
    {
        Prop.ForAll(Gen.ListOf(Gen.Choose(0, 50_000_000)).ToArbitrary(), Gen.ListOf(Gen.Choose(0, 50_000_000)).ToArbitrary(), (a, b) =>
        {
            var left = new LatencyHistogram();
            var right = new LatencyHistogram();
            var all = new LatencyHistogram();
            foreach (int v in a) { left.Record(v); all.Record(v); }
            foreach (int v in b) { right.Record(v); all.Record(v); }
            left.Add(right);
            return (left.Count, left.Min, left.Max, left.ValueAtPercentile(50), left.ValueAtPercentile(99), left.ValueAtPercentile(99.9))
                == (all.Count, all.Min, all.Max, all.ValueAtPercentile(50), all.ValueAtPercentile(99), all.ValueAtPercentile(99.9));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Negative_and_huge_values_are_clamped_not_lost()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);
        histogram.Record(long.MaxValue);
        Assert.Equal((2L, 0L, LatencyHistogram.MaxTrackable), (histogram.Count, histogram.Min, histogram.Max));
    }
}
