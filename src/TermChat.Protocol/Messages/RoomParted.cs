using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Confirms the client left a room.</summary>
public sealed record RoomParted(string Room) : Message
{
    public override MessageType Type => MessageType.RoomParted;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
    }

    internal static RoomParted Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes));
}
