using TermChat.Server.Modes.Async;

namespace TermChat.Server.Tests.Modes;

public class WriterSignalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_wait_completes_when_set_from_another_thread()
    {
        var signal = new WriterSignal();
        var wait = signal.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);

        await Task.Run(signal.Set);

        await wait.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Sets_before_the_wait_collapse_into_one_wake_up()
    {
        var signal = new WriterSignal();
        signal.Set();
        signal.Set();
        signal.Set();

        await signal.WaitAsync().AsTask().WaitAsync(Timeout);

        Assert.False(signal.WaitAsync().IsCompleted);
    }

    [Fact]
    public async Task Close_ends_a_pending_wait_and_every_later_one()
    {
        var signal = new WriterSignal();
        var pending = signal.WaitAsync().AsTask();

        signal.Close();
        signal.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => signal.WaitAsync().AsTask());
    }

    [Fact]
    public async Task No_set_is_lost_between_a_writer_and_many_setters()
    {
        // The writer counts items it has seen after each wake-up; every item produced before a Set must be
        // seen after the wait that Set completes, however the threads interleave.
        var signal = new WriterSignal();
        const int Producers = 4;
        const int PerProducer = 20_000;
        long produced = 0;
        var writer = Task.Run(async () =>
        {
            while (Interlocked.Read(ref produced) < Producers * PerProducer)
            {
                await signal.WaitAsync();
            }
        });
        var producers = Enumerable.Range(0, Producers).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < PerProducer; i++)
            {
                Interlocked.Increment(ref produced);
                signal.Set();
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(Timeout);
        await writer.WaitAsync(Timeout);
    }
}
