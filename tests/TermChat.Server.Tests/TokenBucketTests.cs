using TermChat.Server.Limits;

namespace TermChat.Server.Tests;

public sealed class TokenBucketTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;

    [Fact]
    public void A_full_bucket_allows_the_burst_then_says_when_the_next_token_comes()
    {
        var bucket = new TokenBucket(burst: 3, ratePerSecond: 2, nowTimestamp: 0, Frequency);
        Assert.True(bucket.TryTake(0, out _));
        Assert.True(bucket.TryTake(0, out _));
        Assert.True(bucket.TryTake(0, out _));
        Assert.False(bucket.TryTake(0, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(500), wait);
    }

    [Fact]
    public void Tokens_refill_at_the_steady_rate_and_never_beyond_the_burst()
    {
        var bucket = new TokenBucket(burst: 2, ratePerSecond: 4, nowTimestamp: 0, Frequency);
        Assert.True(bucket.TryTake(0, out _));
        Assert.True(bucket.TryTake(0, out _));
        long quarter = Frequency / 4;
        Assert.True(bucket.TryTake(quarter, out _));
        Assert.False(bucket.TryTake(quarter, out _));

        long muchLater = 100 * Frequency;
        var results = Enumerable.Range(0, 3).Select(i => bucket.TryTake(muchLater, out var unused)).ToArray();
        Assert.Equal(new[] { true, true, false }, results);
    }

    [Fact]
    public void A_rate_of_zero_turns_flood_control_off()
    {
        var bucket = new TokenBucket(burst: 1, ratePerSecond: 0, nowTimestamp: 0, Frequency);
        Assert.True(Enumerable.Range(0, 1000).All(i => bucket.TryTake(0, out var unused)));
    }
}
