namespace TermChat.Server.Hub;

/// <summary>A room: members, topic, its sequence counter and history. Guarded by the hub's lock.</summary>
internal sealed class Room
{
    /// <param name="name">The canonical room name.</param>
    /// <param name="historySize">Entries of history kept.</param>
    /// <param name="historyBytes">Encoded bytes of history kept.</param>
    /// <param name="lastSeq">The seq the room continues after: at least anything its name had before (<see cref="RoomSeqHighWater"/>).</param>
    public Room(string name, int historySize, long historyBytes, ulong lastSeq)
    {
        Name = name;
        LastSeq = lastSeq;
        History = new RoomHistory(historySize, historyBytes);
    }

    public string Name { get; }

    public string Topic { get; set; } = "";

    /// <summary>The last sequence number assigned; RoomMessage and RoomEvent share it.</summary>
    public ulong LastSeq { get; private set; }

    public List<ChatSession> Members { get; } = [];

    public RoomHistory History { get; }

    public ulong NextSeq() => ++LastSeq;
}
