using TermChat.Server.Modes.Threads;

namespace TermChat.Server.Tests.Modes;

public class WriterWakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_blocked_wait_returns_when_set_from_another_thread()
    {
        var wake = new WriterWake();
        using var waiting = new ManualResetEventSlim();
        var writer = Task.Factory.StartNew(() =>
        {
            waiting.Set();
            wake.Wait();
        }, TaskCreationOptions.LongRunning);
        Assert.True(waiting.Wait(Timeout));

        wake.Set();

        await writer.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Sets_before_the_wait_collapse_into_one_wake_up()
    {
        var wake = new WriterWake();
        Assert.True(wake.Mark());
        wake.Pulse();
        wake.Set();
        wake.Set();

        wake.Wait();

        // The next wait blocks until another Set.
        var second = Task.Factory.StartNew(wake.Wait, TaskCreationOptions.LongRunning);
        Assert.False(second.Wait(TimeSpan.FromMilliseconds(200)));
        wake.Set();
        await second.WaitAsync(Timeout);
    }

    [Fact]
    public void A_mark_is_owed_a_pulse_only_when_no_wake_up_was_pending()
    {
        var wake = new WriterWake();

        Assert.True(wake.Mark());
        Assert.False(wake.Mark());
        wake.Wait();
        Assert.True(wake.Mark());
    }

    [Fact]
    public async Task No_wake_up_is_lost_between_a_writer_thread_and_many_setters()
    {
        // The writer waits until it has seen every item; an item counted before a Set must be seen after the wait that
        // Set ends, however the threads interleave. Half the producers mark and pulse apart, as a held wake-up does.
        var wake = new WriterWake();
        const int Producers = 4;
        const int PerProducer = 20_000;
        long produced = 0;
        var writer = Task.Factory.StartNew(() =>
        {
            while (Interlocked.Read(ref produced) < Producers * PerProducer)
            {
                wake.Wait();
            }
        }, TaskCreationOptions.LongRunning);
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < PerProducer; i++)
            {
                Interlocked.Increment(ref produced);
                if (p % 2 == 0) wake.Set();
                else if (wake.Mark()) wake.Pulse();
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(Timeout);
        await writer.WaitAsync(Timeout);
    }
}
