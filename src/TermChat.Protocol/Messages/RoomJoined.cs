using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Confirms the client's own join, with the room's state; history follows.</summary>
public sealed record RoomJoined(string Room, string Topic, ulong LastSeq, ValueList<Member> Members) : Message
{
    public override MessageType Type => MessageType.RoomJoined;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Topic, ProtocolLimits.MaxTopicBytes) + PayloadSize.U64 + ListCodec.SizeOf(Members);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.Str(Topic);
        writer.U64(LastSeq);
        ListCodec.Write(ref writer, Members);
    }

    internal static RoomJoined Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxTopicBytes), reader.U64(), ListCodec.ReadMembers(ref reader));
}
