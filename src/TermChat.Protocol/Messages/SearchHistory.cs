using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client asks for the stored messages of a room holding every one of some words (protocol version 2).</summary>
public sealed record SearchHistory(string Room, string Words) : Message
{
    public override MessageType Type => MessageType.SearchHistory;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Words, ProtocolLimits.MaxSearchBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.Str(Words);
    }

    internal static SearchHistory Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxSearchBytes));
}
