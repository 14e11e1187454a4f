using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client sets a room topic.</summary>
public sealed record SetTopic(string Room, string Topic) : Message
{
    public override MessageType Type => MessageType.SetTopic;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Topic, ProtocolLimits.MaxTopicBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.Str(Topic);
    }

    internal static SetTopic Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxTopicBytes));
}
