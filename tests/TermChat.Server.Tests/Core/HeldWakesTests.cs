using TermChat.Server.Core;

namespace TermChat.Server.Tests.Core;

public class HeldWakesTests
{
    [Fact]
    public void Outside_a_batch_nothing_is_held()
    {
        Assert.False(HeldWakes.TryHold(() => Assert.Fail("a wake-up nobody held ran")));
    }

    [Fact]
    public void Wake_ups_held_in_nested_batches_run_once_at_the_outermost_end_in_the_order_held()
    {
        var woken = new List<int>();

        HeldWakes.Begin();
        Assert.True(HeldWakes.TryHold(() => woken.Add(1)));
        HeldWakes.Begin();
        Assert.True(HeldWakes.TryHold(() => woken.Add(2)));
        HeldWakes.End();
        Assert.Empty(woken);
        Assert.True(HeldWakes.TryHold(() => woken.Add(3)));
        HeldWakes.End();

        Assert.Equal([1, 2, 3], woken);
        Assert.False(HeldWakes.TryHold(() => woken.Add(4)));
        HeldWakes.Begin();
        HeldWakes.End();
        Assert.Equal([1, 2, 3], woken);
    }

    [Fact]
    public void A_batch_holds_only_its_own_threads_wake_ups()
    {
        HeldWakes.Begin();
        try
        {
            bool heldElsewhere = true;
            var other = new Thread(() => heldElsewhere = HeldWakes.TryHold(() => { }));
            other.Start();
            Assert.True(other.Join(TimeSpan.FromSeconds(60)));
            Assert.False(heldElsewhere);
        }
        finally
        {
            HeldWakes.End();
        }
    }
}
