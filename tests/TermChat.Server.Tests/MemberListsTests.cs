using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.Server.Core;
using TermChat.Server.Wire;

namespace TermChat.Server.Tests;

public sealed class MemberListsTests
{
    [Fact]
    public void A_room_too_big_for_one_frame_lists_the_first_members_in_nick_order_and_still_encodes()
    {
        var room = new CoreRoom("#huge", visibleSeq: 0);
        string away = new('z', ProtocolLimits.MaxReasonBytes);
        for (int i = 6000; i > 0; i--)
        {
            room.Members.Add(new CoreSession($"user{i:D4}", ResumeToken.NewRandom()) { Away = away });
        }

        var members = MemberLists.Capped(room.MemberList());

        // 4 + 8 + 200 bytes each: about 4,900 fit under the 1 MiB frame limit, not 6,000.
        Assert.InRange(members.Length, 4000, 5999);
        Assert.Equal(Enumerable.Range(1, members.Length).Select(i => $"user{i:D4}"), members.Select(m => m.Nick));
        var joined = new RoomJoined("#huge", new string('t', ProtocolLimits.MaxTopicBytes), 1, members);
        Assert.InRange(FrameEncoder.GetFrameSize(joined), ProtocolLimits.MaxFrameBytes - 1024, ProtocolLimits.MaxFrameBytes + ProtocolLimits.LengthPrefixBytes);
        Assert.Equal(FrameEncoder.GetFrameSize(joined), FrameEncoder.ToArray(joined).Length);
    }

    [Fact]
    public void A_room_that_fits_is_listed_whole_ignoring_nick_case()
    {
        var room = new CoreRoom("#small", visibleSeq: 0);
        foreach (string nick in new[] { "carol", "Bob", "alice" })
        {
            room.Members.Add(new CoreSession(nick, ResumeToken.NewRandom()) { Away = nick == "Bob" ? "lunch" : "" });
        }
        Assert.Equal([new Member("alice", ""), new Member("Bob", "lunch"), new Member("carol", "")], MemberLists.Capped(room.MemberList()));
    }
}
