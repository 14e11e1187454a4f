using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client leaves a room.</summary>
public sealed record PartRoom(string Room, string Reason) : Message
{
    public override MessageType Type => MessageType.PartRoom;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Reason, ProtocolLimits.MaxReasonBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.Str(Reason);
    }

    internal static PartRoom Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxReasonBytes));
}
