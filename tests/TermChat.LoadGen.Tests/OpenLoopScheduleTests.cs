using FsCheck;
using FsCheck.Fluent;
using TermChat.LoadGen.Scheduling;

namespace TermChat.LoadGen.Tests;

public class OpenLoopScheduleTests
{
    [Fact]
    public void Messages_are_due_at_start_plus_index_over_rate()
    {
        var schedule = new OpenLoopSchedule(startTicks: 1_000, ratePerSecond: 1_000, ticksPerSecond: 1_000_000, count: 5);
        Assert.Equal(new long[] { 1_000, 2_000, 3_000, 4_000, 5_000 }, Enumerable.Range(0, 5).Select(i => schedule.DueTicks(i)).ToArray());
        Assert.Equal(new long[] { 0, 1, 1, 2, 5, 5 }, new long[] { 999, 1_000, 1_999, 2_000, 5_000, 1_000_000 }.Select(schedule.DueCount).ToArray());
    }

    [Fact]
    public void A_message_is_due_exactly_from_its_scheduled_tick()
    {
        Prop.ForAll(Gen.Choose(1, 5_000_000).ToArbitrary(), Gen.Choose(0, 100_000).ToArbitrary(), (rate, index) =>
        {
            var schedule = new OpenLoopSchedule(123_456_789, rate, 1_000_000_000, 200_000);
            long due = schedule.DueTicks(index);
            return schedule.DueCount(due) == index + 1 && schedule.DueCount(due - 1) <= index;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Due_count_never_exceeds_the_stream()
    {
        var schedule = new OpenLoopSchedule(0, 10, 1_000, 3);
        Assert.Equal(3, schedule.DueCount(long.MaxValue / 2));
    }

    [Fact]
    public void A_run_holds_rate_times_duration_messages()
    {
        Assert.Equal((50_000L, 1L), (OpenLoopSchedule.MessagesFor(10_000, 5), OpenLoopSchedule.MessagesFor(0.1, 1)));
    }

    [Fact]
    public void A_rate_of_zero_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, 0, 1_000, 1));
    }
}
