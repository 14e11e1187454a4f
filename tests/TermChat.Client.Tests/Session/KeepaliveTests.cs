using TermChat.Client.Session;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.Session;

public sealed class KeepaliveTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task It_pings_every_interval_and_gives_up_on_a_link_silent_for_three_intervals()
    {
        var keepalive = new Keepalive(_time, TimeSpan.FromSeconds(10));
        keepalive.Configure(serverSeconds: 5);
        keepalive.Touch();
        int pings = 0;

        var running = keepalive.RunAsync(() => { pings++; return Task.CompletedTask; }, CancellationToken.None);
        for (int i = 0; i < 3; i++)
        {
            await _time.AdvanceWhenScheduledAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(TimeSpan.FromSeconds(15), await running.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, pings);
    }

    [Fact]
    public async Task Anything_received_keeps_the_link_alive_and_cancelling_ends_the_loop_without_a_verdict()
    {
        var keepalive = new Keepalive(_time, TimeSpan.FromSeconds(10));
        keepalive.Configure(serverSeconds: 0);
        keepalive.Touch();
        using var stop = new CancellationTokenSource();
        int pings = 0;

        var running = keepalive.RunAsync(() => { pings++; keepalive.Touch(); return Task.CompletedTask; }, stop.Token);
        for (int i = 0; i < 5; i++)
        {
            await _time.AdvanceWhenScheduledAsync(TimeSpan.FromSeconds(10));
        }
        await stop.CancelAsync();

        Assert.Null(await running.WaitAsync(TimeSpan.FromSeconds(10)));
        // Each timer was armed only after the previous ping, so at least four went out in 50 s of one.
        Assert.True(pings >= 4, $"{pings} pings");
        Assert.Equal(TimeSpan.FromSeconds(10), keepalive.Interval);
    }
}
