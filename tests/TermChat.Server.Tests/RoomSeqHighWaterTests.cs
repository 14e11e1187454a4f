using TermChat.Server.History;

namespace TermChat.Server.Tests;

public sealed class RoomSeqHighWaterTests
{
    [Fact]
    public void A_name_never_used_starts_at_one_and_a_retired_name_continues_where_it_stopped()
    {
        var marks = new RoomSeqHighWater();
        Assert.Equal(0UL, marks.Take("#new"));
        marks.Retire("#x", 11);
        Assert.Equal(1, marks.Count);
        Assert.Equal(11UL, marks.Take("#x"));
        // The live room holds the count now; the mark is gone.
        Assert.Equal(0, marks.Count);
    }

    [Fact]
    public void Past_the_capacity_the_longest_deleted_name_is_folded_into_the_floor()
    {
        var marks = new RoomSeqHighWater(capacity: 2);
        marks.Retire("#a", 5);
        marks.Retire("#b", 9);
        marks.Retire("#c", 3);
        Assert.Equal((2, 5UL), (marks.Count, marks.Floor));
        // #a was forgotten: it continues above the floor, which is at least its own mark.
        Assert.Equal(5UL, marks.Take("#a"));
        Assert.Equal(9UL, marks.Take("#b"));
        // A remembered mark below the floor is lifted to the floor: every name is above every forgotten mark.
        Assert.Equal(5UL, marks.Take("#c"));
    }

    [Fact]
    public void Seqs_stay_monotonic_per_name_through_far_more_names_than_are_remembered()
    {
        const int Capacity = 8;
        var marks = new RoomSeqHighWater(Capacity);
        var last = new Dictionary<string, ulong>();
        var random = new Random(12);
        for (int round = 0; round < 20_000; round++)
        {
            string name = $"#r{random.Next(200)}";
            ulong start = marks.Take(name);
            Assert.True(!last.TryGetValue(name, out ulong before) || start >= before, $"{name} went back from {before} to {start}");
            ulong end = start + (ulong)random.Next(0, 5);
            last[name] = end;
            marks.Retire(name, end);
            Assert.True(marks.Count <= Capacity);
        }
    }

    [Fact]
    public void A_room_that_never_went_above_the_floor_takes_no_slot()
    {
        var marks = new RoomSeqHighWater(capacity: 1);
        marks.Retire("#a", 4);
        marks.Retire("#b", 6);
        Assert.Equal(4UL, marks.Floor);
        marks.Retire("#refused", marks.Take("#refused"));
        Assert.Equal(1, marks.Count);
        Assert.Equal(6UL, marks.Take("#b"));
    }
}
