using TermChat.Server.Udp;

namespace TermChat.Server.Tests.Udp;

public sealed class DeadlineQueueTests
{
    [Fact]
    public void Due_items_come_out_earliest_first_and_later_ones_stay()
    {
        var queue = new DeadlineQueue<string>();
        queue.Schedule("c", 30);
        queue.Schedule("a", 10);
        queue.Schedule("b", 20);

        var taken = new List<string>();
        while (queue.TryTakeDue(20, out var item)) taken.Add(item);

        Assert.Equal(["a", "b"], taken);
        Assert.Equal(30, queue.NextDue);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Moving_a_deadline_earlier_replaces_it_and_moving_it_later_keeps_the_earlier_one()
    {
        var queue = new DeadlineQueue<string>();
        queue.Schedule("a", 50);

        Assert.True(queue.Schedule("a", 10));
        Assert.False(queue.Schedule("a", 40));

        Assert.True(queue.TryTakeDue(10, out var item));
        Assert.Equal("a", item);
        // The stale entry at 50 is skipped: the item has no deadline once taken.
        Assert.False(queue.TryTakeDue(100, out _));
        Assert.Equal(long.MaxValue, queue.NextDue);
    }

    [Fact]
    public void A_removed_item_never_comes_out_and_no_deadline_means_never()
    {
        var queue = new DeadlineQueue<string>();
        queue.Schedule("gone", 5);
        queue.Schedule("kept", 6);
        Assert.False(queue.Schedule("never", long.MaxValue));

        queue.Remove("gone");

        Assert.True(queue.TryTakeDue(long.MaxValue - 1, out var item));
        Assert.Equal("kept", item);
        Assert.False(queue.TryTakeDue(long.MaxValue - 1, out _));
    }

    [Fact]
    public void Entries_left_by_many_moves_do_not_pile_up()
    {
        var queue = new DeadlineQueue<string>();
        for (long due = 100_000; due > 0; due--)
        {
            queue.Schedule("busy", due);
        }

        Assert.Equal(1, queue.Count);
        Assert.Equal(1, queue.NextDue);
        Assert.True(queue.HeapEntries <= 2 * queue.Count + 65, $"{queue.HeapEntries} heap entries for one item");
    }
}
