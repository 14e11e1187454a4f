using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>A server notice (MOTD, flood warning, command reply); an empty room means not tied to a room.</summary>
public sealed record Notice(string Room, string Text) : Message
{
    public override MessageType Type => MessageType.Notice;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Text, ProtocolLimits.MaxTextBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.Str(Text);
    }

    internal static Notice Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxTextBytes));
}
