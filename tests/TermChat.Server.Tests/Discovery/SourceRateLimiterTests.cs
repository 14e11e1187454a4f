using System.Net;
using TermChat.Server.Discovery;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Discovery;

public sealed class SourceRateLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    [Fact]
    public void A_source_gets_its_burst_then_one_token_per_refill_interval()
    {
        var time = new ManualTimeProvider();
        var limiter = new SourceRateLimiter(perSecond: 2, burst: 3, maxSources: 10, time);
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => limiter.TryAcquire(A)).ToArray());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal([true, false], Enumerable.Range(0, 2).Select(_ => limiter.TryAcquire(A)).ToArray());
    }

    [Fact]
    public void Sources_are_limited_independently()
    {
        var limiter = new SourceRateLimiter(perSecond: 1, burst: 1, maxSources: 10, new ManualTimeProvider());
        Assert.True(limiter.TryAcquire(A));
        Assert.False(limiter.TryAcquire(A));
        Assert.True(limiter.TryAcquire(B));
    }

    [Fact]
    public void The_source_table_stays_bounded_under_a_flood_of_distinct_sources()
    {
        var limiter = new SourceRateLimiter(perSecond: 1, burst: 1, maxSources: 100, new ManualTimeProvider());
        for (int i = 0; i < 10_000; i++)
        {
            limiter.TryAcquire(new IPAddress(BitConverter.GetBytes(i)));
        }
        Assert.InRange(limiter.Sources, 1, 100);
    }
}
