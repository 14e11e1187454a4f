using TermChat.Protocol;
using TermChat.Server.History;

namespace TermChat.Server.Core;

/// <summary>A room as a session finds it on joining or resuming: its state, and the history it is owed.</summary>
/// <param name="Room">The canonical room name.</param>
/// <param name="Topic">The topic, empty if none.</param>
/// <param name="Members">Who is in it, in case-insensitive nick order.</param>
/// <param name="History">The entries after the session's cursor, as many as the replay budget allows.</param>
/// <param name="Missed">Entries after the cursor that are not replayed (older than the history, or over the budget); 0 without a cursor.</param>
internal sealed record JoinedRoom(string Room, string Topic, IReadOnlyList<Member> Members, RoomSlice History, ulong Missed)
{
    /// <summary>Who set the topic, when known ("" otherwise; IRC's RPL_TOPICWHOTIME needs it).</summary>
    public string TopicBy { get; init; } = "";

    /// <summary>When the topic was set (Unix ms), when <see cref="TopicBy"/> is known.</summary>
    public long TopicMs { get; init; }
}
