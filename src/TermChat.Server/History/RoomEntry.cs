using System.Text;
using TermChat.Protocol;

namespace TermChat.Server.History;

/// <summary>
/// One sequenced entry of a room's log: a message someone said, or an event (join, part, quit, nick, topic, away).
/// Messages and events share the room's seqs. Immutable once committed, except for the front ends' encoding caches.
/// </summary>
internal sealed class RoomEntry
{
    // The fixed part of the entry's wire size: frame length (4) and type (1), three u16 string lengths, seq and
    // time (8 each), the kind byte and the replay flag. A message and an event have the same shape on the wire.
    private const int FixedWireBytes = 4 + 1 + 3 * 2 + 8 + 8 + 1 + 1;

    public RoomEntry(RoomEntryDraft draft, ulong seq)
    {
        Room = draft.Room;
        Seq = seq;
        TimeMs = draft.TimeMs;
        Nick = draft.Nick;
        IsEvent = draft.IsEvent;
        MessageKind = draft.MessageKind;
        EventKind = draft.EventKind;
        Text = draft.Text;
        Size = FixedWireBytes + Encoding.UTF8.GetByteCount(Room) + Encoding.UTF8.GetByteCount(Nick) + Encoding.UTF8.GetByteCount(Text);
    }

    public string Room { get; }

    public ulong Seq { get; private set; }

    /// <summary>Wall-clock time of the entry, Unix milliseconds.</summary>
    public long TimeMs { get; }

    /// <summary>Who said it, or whom the event is about.</summary>
    public string Nick { get; }

    public bool IsEvent { get; }

    /// <summary>The message's kind (say, action, notice); meaningful when not <see cref="IsEvent"/>.</summary>
    public MessageKind MessageKind { get; }

    /// <summary>The event's kind; meaningful when <see cref="IsEvent"/>.</summary>
    public RoomEventKind EventKind { get; }

    /// <summary>The message text, or the event's detail (reason, new nick, topic).</summary>
    public string Text { get; }

    /// <summary>
    /// Bytes the entry takes as a TermChat frame. History budgets (entries kept, bytes replayed) count this, so a
    /// budget means the same whatever the log's storage is.
    /// </summary>
    public int Size { get; }

    /// <summary>
    /// Gives the entry another seq before it is committed: a cluster's log learns only when it publishes whether
    /// another node took the seq first (<see cref="Cluster.JetStreamRoomLog"/>). Nobody has seen an uncommitted entry
    /// (the core shows entries once committed, and keys the authors awaiting their echo by reference), so nothing
    /// else has read the old seq; the encoded frames made for it are dropped.
    /// </summary>
    internal void Resequence(ulong seq)
    {
        Seq = seq;
        WireFrame = null;
        WireReplayFrame = null;
    }

    /// <summary>When a log that commits later (the cluster's) took the entry, a Stopwatch timestamp: for its commit-time figure.</summary>
    internal long AppendedAt;

    /// <summary>The TermChat wire front end's live frame for this entry, encoded once and shared by every member.</summary>
    internal byte[]? WireFrame;

    /// <summary>The TermChat wire front end's replay frame (the live frame with its replay flag set).</summary>
    internal byte[]? WireReplayFrame;
}
