using TermChat.Protocol;

namespace TermChat.Server.Core;

/// <summary>A room while someone is in it (the lobby always): members and topic. Its entries live in the room log.</summary>
internal sealed class CoreRoom(string name)
{
    public string Name { get; } = name;

    public string Topic { get; set; } = "";

    public List<CoreSession> Members { get; } = [];

    /// <summary>The members with their away texts, in case-insensitive nick order.</summary>
    public Member[] MemberList() =>
        [.. Members.Select(member => new Member(member.Nick, member.Away)).OrderBy(member => member.Nick, StringComparer.OrdinalIgnoreCase)];
}
