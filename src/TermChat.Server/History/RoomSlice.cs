namespace TermChat.Server.History;

/// <summary>
/// What a read of a room's log returned: the newest committed entries after a cursor that fit the budget, oldest
/// first, and where they sit in the room's seqs.
/// </summary>
/// <param name="Entries">The entries, in seq order.</param>
/// <param name="FirstSeq">The seq of the first entry returned, or <paramref name="LastSeq"/> + 1 when none is.</param>
/// <param name="LastSeq">The room's highest committed seq (0 for a room never written).</param>
internal sealed record RoomSlice(IReadOnlyList<RoomEntry> Entries, ulong FirstSeq, ulong LastSeq);
