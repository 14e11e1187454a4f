using TermChat.Server.History;

namespace TermChat.Server.Storage;

/// <summary>What <see cref="SqliteRoomLog"/> keeps in memory per room. Guarded by the log's lock.</summary>
internal sealed class RoomWindow(RoomHistory history)
{
    /// <summary>The retained entries, committed ones only.</summary>
    public RoomHistory History { get; } = history;

    /// <summary>The highest seq handed out (committed or not).</summary>
    public ulong Assigned { get; set; }

    /// <summary>The highest committed seq.</summary>
    public ulong Committed { get; set; }

    public string Topic { get; set; } = "";

    public RoomAccess Access { get; set; } = RoomAccess.Open;
}
