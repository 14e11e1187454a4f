using TermChat.Server.History;

namespace TermChat.Server.Tests.History;

/// <summary>The in-memory room log against the shared contract, plus its own memory bound.</summary>
public sealed class MemoryRoomLogTests : RoomLogContract
{
    private protected override IRoomLog CreateLog(int historySize, long historyBytes) => new MemoryRoomLog(new ServerOptions { HistorySize = historySize, HistoryBytes = historyBytes });

    [Fact]
    public void Everything_is_committed_as_it_is_appended()
    {
        var log = Open();
        log.Append(Say("#r", "now"), out bool committed);
        Assert.True(committed);
    }

    [Fact]
    public void Deleted_room_names_are_remembered_up_to_a_bound_and_seqs_never_go_back()
    {
        var log = new MemoryRoomLog(new ServerOptions { HistorySize = 10 }, retiredNames: 2);
        foreach (var (room, count) in new[] { ("#a", 5), ("#b", 9), ("#c", 3) })
        {
            for (int i = 0; i < count; i++) log.Append(Say(room, "x"), out _);
            log.Release(room);
        }
        Assert.Equal(2, log.Retired.Count);
        // #a was forgotten and folded into the floor: it continues above 5, never below.
        Assert.Equal(6UL, log.Append(Say("#a", "again"), out _).Seq);
        Assert.Equal(10UL, log.Append(Say("#b", "again"), out _).Seq);
    }
}
