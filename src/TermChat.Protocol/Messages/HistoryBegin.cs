using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Starts a history replay of sequence numbers <c>FromSeq</c>..<c>ToSeq</c>; <c>Missed</c> counts older messages no longer kept.</summary>
public sealed record HistoryBegin(string Room, ulong FromSeq, ulong ToSeq, ulong Missed) : Message
{
    public override MessageType Type => MessageType.HistoryBegin;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.U64 + PayloadSize.U64 + PayloadSize.U64;

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.U64(FromSeq);
        writer.U64(ToSeq);
        writer.U64(Missed);
    }

    internal static HistoryBegin Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.U64(), reader.U64(), reader.U64());
}
