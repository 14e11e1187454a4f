using TermChat.Protocol;

namespace TermChat.Server.Core;

/// <summary>A room while someone is in it (the lobby always): members and topic. Its entries live in the room log.</summary>
internal sealed class CoreRoom(string name, ulong visibleSeq)
{
    public string Name { get; } = name;

    /// <summary>
    /// The highest seq shown to anyone: delivered live, or part of a join's replay. An entry the log commits later is
    /// delivered only if above it, so a member who joined meanwhile never gets an entry twice.
    /// </summary>
    public ulong VisibleSeq { get; set; } = visibleSeq;

    public List<CoreSession> Members { get; } = [];

    /// <summary>The room's modes (invite-only, key, moderated, topic lock); the log keeps them with the key (<see cref="History.RoomAccess"/>).</summary>
    public RoomModeFlags Modes { get; set; }

    /// <summary>The key joining needs while <see cref="RoomModeFlags.Key"/> is set.</summary>
    public string Key { get; set; } = "";

    /// <summary>Nicks an operator invited: they may join although the room is invite-only or keyed.</summary>
    public HashSet<string> Invited { get; } = new(NameRules.NickComparer);

    /// <summary>Nicks with voice: they speak while the room is moderated.</summary>
    public HashSet<string> Voiced { get; } = new(NameRules.NickComparer);

    /// <summary>
    /// Muted nicks and when the mute lapses (Unix ms; <see cref="Moderation.RoomMute.UntilUnmuted"/> until lifted). On a
    /// server on its own they belong to the room while it exists; in a cluster this is the node's copy of the mutes the
    /// cluster keeps for the room (<see cref="ISharedRules.Mutes"/>).
    /// </summary>
    public Dictionary<string, long> Muted { get; } = new(NameRules.NickComparer);

    /// <summary>Who set the topic, if it was set since the room came to exist in this process ("" otherwise).</summary>
    public string TopicBy { get; set; } = "";

    /// <summary>When the topic was set (Unix ms); meaningful when <see cref="TopicBy"/> is not empty.</summary>
    public long TopicMs { get; set; }

    /// <summary>The members with their away texts, in case-insensitive nick order.</summary>
    public Member[] MemberList() =>
        [.. Members.Select(member => new Member(member.Nick, member.Away)).OrderBy(member => member.Nick, StringComparer.OrdinalIgnoreCase)];
}
