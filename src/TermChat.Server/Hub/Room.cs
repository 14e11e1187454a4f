namespace TermChat.Server.Hub;

/// <summary>A room: members, topic, its sequence counter and history. Guarded by the hub's lock.</summary>
internal sealed class Room
{
    public Room(string name, int historySize, long historyBytes)
    {
        Name = name;
        History = new RoomHistory(historySize, historyBytes);
    }

    public string Name { get; }

    public string Topic { get; set; } = "";

    /// <summary>The last sequence number assigned; RoomMessage and RoomEvent share it, starting at 1.</summary>
    public ulong LastSeq { get; private set; }

    public List<ChatSession> Members { get; } = [];

    public RoomHistory History { get; }

    public ulong NextSeq() => ++LastSeq;
}
