using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client asks for a room's member list.</summary>
public sealed record ListMembers(string Room) : Message
{
    public override MessageType Type => MessageType.ListMembers;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
    }

    internal static ListMembers Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes));
}
