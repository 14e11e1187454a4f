namespace TermChat.Server.History;

/// <summary>
/// What a read of a room's log returned: the newest committed entries after a cursor that fit the budget, oldest
/// first, and where they sit in the room's seqs.
/// </summary>
/// <param name="Entries">The entries, in seq order.</param>
/// <param name="LastSeq">The room's highest committed seq (0 for a room never written).</param>
internal sealed record RoomSlice(IReadOnlyList<RoomEntry> Entries, ulong LastSeq)
{
    /// <summary>The seq of the first entry returned, or <see cref="LastSeq"/> + 1 when none is.</summary>
    public ulong FirstSeq => Entries.Count > 0 ? Entries[0].Seq : LastSeq + 1;
}
