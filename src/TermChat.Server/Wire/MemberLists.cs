using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Server.Wire;

/// <summary>
/// A room's member list as RoomJoined and MemberList carry it: in nick order, and cut short where one frame
/// would pass the 1 MiB server frame limit or the u16 list count (PROTOCOL.md section 8). Without the cut, a
/// room of a few thousand members with long away texts made every join fail to encode.
/// </summary>
internal static class MemberLists
{
    // Room (≤ 34), topic (≤ 392), last_seq, the list count and the type byte of the largest carrier, RoomJoined,
    // fit in this with room to spare.
    private const int OtherFieldsBytes = 512;

    /// <summary>The first of <paramref name="members"/> (in nick order already) that fit one frame.</summary>
    public static Member[] Capped(IReadOnlyList<Member> members)
    {
        var list = new List<Member>(Math.Min(members.Count, ushort.MaxValue));
        long budget = ProtocolLimits.MaxFrameBytes - OtherFieldsBytes;
        foreach (var member in members)
        {
            // Two str fields: a u16 length each, then the UTF-8 bytes.
            budget -= 4 + Encoding.UTF8.GetByteCount(member.Nick) + Encoding.UTF8.GetByteCount(member.Away);
            if (budget < 0 || list.Count == ushort.MaxValue) break;
            list.Add(member);
        }
        return list.Count == members.Count && members is Member[] all ? all : [.. list];
    }
}
