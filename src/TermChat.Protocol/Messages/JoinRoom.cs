using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client asks to join a room, creating it if needed.</summary>
public sealed record JoinRoom(string Room) : Message
{
    public override MessageType Type => MessageType.JoinRoom;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
    }

    internal static JoinRoom Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes));
}
