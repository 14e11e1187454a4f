using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client says something (or acts, with <see cref="MessageKind.Action"/>) in a room.</summary>
public sealed record SendMessage(string Room, MessageKind Kind, string Text) : Message
{
    public override MessageType Type => MessageType.SendMessage;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.U8 + PayloadSize.Str(Text, ProtocolLimits.MaxTextBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.U8((byte)Kind);
        writer.Str(Text);
    }

    internal static SendMessage Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Kind(), reader.Str(ProtocolLimits.MaxTextBytes));
}
