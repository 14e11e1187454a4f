using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>A sequenced membership or state change in a room, live or replayed.</summary>
public sealed record RoomEvent(string Room, ulong Seq, long TimeMs, RoomEventKind Kind, string Nick, string Detail, bool Replay) : Message
{
    public override MessageType Type => MessageType.RoomEvent;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.U64 + PayloadSize.U64 + PayloadSize.U8 + PayloadSize.Str(Nick, ProtocolLimits.MaxNickBytes) + PayloadSize.Str(Detail, ProtocolLimits.MaxTopicBytes) + PayloadSize.U8;

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.U64(Seq);
        writer.I64(TimeMs);
        writer.U8((byte)Kind);
        writer.Str(Nick);
        writer.Str(Detail);
        writer.Bool(Replay);
    }

    internal static RoomEvent Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.U64(), reader.I64(), reader.EventKind(), reader.Str(ProtocolLimits.MaxNickBytes), reader.Str(ProtocolLimits.MaxTopicBytes), reader.Bool());
}
