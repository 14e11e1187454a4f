using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Ends a history replay; live messages follow.</summary>
public sealed record HistoryEnd(string Room) : Message
{
    public override MessageType Type => MessageType.HistoryEnd;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
    }

    internal static HistoryEnd Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes));
}
