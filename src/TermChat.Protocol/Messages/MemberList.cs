using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>A room's members with their away status.</summary>
public sealed record MemberList(string Room, ValueList<Member> Members) : Message
{
    public override MessageType Type => MessageType.MemberList;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + ListCodec.SizeOf(Members);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        ListCodec.Write(ref writer, Members);
    }

    internal static MemberList Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), ListCodec.ReadMembers(ref reader));
}
