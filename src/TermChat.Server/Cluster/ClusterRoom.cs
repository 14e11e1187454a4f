using TermChat.Server.History;

namespace TermChat.Server.Cluster;

/// <summary>What <see cref="JetStreamRoomLog"/> keeps in memory per room. Guarded by the log's lock.</summary>
internal sealed class ClusterRoom(string name, RoomHistory history)
{
    public string Name { get; } = name;

    /// <summary>The retained committed entries, from every node.</summary>
    public RoomHistory History { get; } = history;

    /// <summary>The highest committed seq this node has delivered.</summary>
    public ulong Committed { get; set; }

    /// <summary>The room seq of the newest message known stored on the room's subject (acknowledged or consumed).</summary>
    public ulong HeadSeq { get; set; }

    /// <summary>The stream seq of that message: the expected last subject sequence of the next publish.</summary>
    public ulong HeadStreamSeq { get; set; }

    /// <summary>Entries appended here and not yet stored, oldest first; the first of them are in <see cref="InFlight"/>.</summary>
    public List<RoomEntry> Pending { get; } = [];

    /// <summary>The publishes on their way, oldest first: together the first entries of <see cref="Pending"/>, in order.</summary>
    public List<PublishBatch> InFlight { get; } = [];

    /// <summary>How many of <see cref="Pending"/>'s first entries <see cref="InFlight"/> holds.</summary>
    public int InFlightEntries { get; set; }

    /// <summary>Whether a publishing loop runs for the room.</summary>
    public bool Publishing { get; set; }

    /// <summary>Completed by an append while the publishing loop waits with room for another publish; null otherwise.</summary>
    public TaskCompletionSource? Appended { get; set; }

    /// <summary>Until when (a monotonic timestamp) publishes go one at a time, after one sent behind another was refused.</summary>
    public long SingleUntil { get; set; }

    public string Topic { get; set; } = "";

    /// <summary>Moves the head forward to a newer stored message (never back: acks and deliveries race).</summary>
    public void AdvanceHead(ulong seq, ulong streamSeq)
    {
        if (streamSeq <= HeadStreamSeq) return;
        HeadStreamSeq = streamSeq;
        HeadSeq = seq;
    }
}
