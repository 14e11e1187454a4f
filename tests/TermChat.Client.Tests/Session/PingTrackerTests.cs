using TermChat.Client.Session;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.Session;

public sealed class PingTrackerTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Each_pong_is_a_round_trip_sample_smoothed_with_a_quarter_weight_and_says_what_it_confirms()
    {
        var pings = new PingTracker(_time);
        ulong first = pings.Start(confirmsUpTo: 3);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(pings.TryAnswer(first, out long confirms, out _, out bool wasConfirm));
        Assert.Equal((100.0, 3L, false), (pings.RttMs, confirms, wasConfirm));

        ulong second = pings.Start(confirmsUpTo: 5);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True(pings.TryAnswer(second, out _, out _, out _));

        Assert.Equal(100 * 0.75 + 300 * 0.25, pings.RttMs);
        Assert.False(pings.TryAnswer(second, out _, out _, out _));
        Assert.False(pings.TryAnswer(12345, out _, out _, out _));
    }

    [Fact]
    public void Only_one_confirming_ping_is_out_at_a_time()
    {
        var pings = new PingTracker(_time);
        Assert.True(pings.TryStartConfirm(1, out ulong nonce));
        Assert.False(pings.TryStartConfirm(2, out _));

        Assert.True(pings.TryAnswer(nonce, out _, out _, out bool wasConfirm));

        Assert.True(wasConfirm);
        Assert.True(pings.TryStartConfirm(2, out _));
    }

    [Fact]
    public void A_new_link_keeps_only_the_barriers_and_lets_a_confirming_ping_go_out_again()
    {
        var pings = new PingTracker(_time);
        var barrier = new TaskCompletionSource();
        pings.Start(1);
        ulong kept = pings.Start(1, barrier);
        Assert.True(pings.TryStartConfirm(1, out ulong lost));

        Assert.Equal([kept], pings.OnNewLink());
        Assert.False(pings.TryAnswer(lost, out _, out _, out _));
        Assert.True(pings.TryStartConfirm(1, out _));
        Assert.True(pings.TryAnswer(kept, out _, out var released, out _));
        Assert.Same(barrier, released);
    }

    [Fact]
    public async Task When_the_session_ends_every_waiting_barrier_fails()
    {
        var pings = new PingTracker(_time);
        var barrier = new TaskCompletionSource();
        pings.Start(1, barrier);

        pings.FailAll(new InvalidOperationException("ended"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => barrier.Task);
    }
}
