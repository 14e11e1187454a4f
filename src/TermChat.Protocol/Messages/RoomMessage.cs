using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>A sequenced room message delivered live or, with <c>Replay</c> set, from history.</summary>
public sealed record RoomMessage(string Room, ulong Seq, long TimeMs, string From, MessageKind Kind, string Text, bool Replay) : Message
{
    public override MessageType Type => MessageType.RoomMessage;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.U64 + PayloadSize.U64 + PayloadSize.Str(From, ProtocolLimits.MaxNickBytes) + PayloadSize.U8 + PayloadSize.Str(Text, ProtocolLimits.MaxTextBytes) + PayloadSize.U8;

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.U64(Seq);
        writer.I64(TimeMs);
        writer.Str(From);
        writer.U8((byte)Kind);
        writer.Str(Text);
        writer.Bool(Replay);
    }

    internal static RoomMessage Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.U64(), reader.I64(), reader.Str(ProtocolLimits.MaxNickBytes), reader.Kind(), reader.Str(ProtocolLimits.MaxTextBytes), reader.Bool());
}
