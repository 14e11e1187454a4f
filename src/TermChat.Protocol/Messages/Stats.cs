using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>The server's concurrency mode and its figures.</summary>
public sealed record Stats(string Mode, ValueList<StatEntry> Entries) : Message
{
    public override MessageType Type => MessageType.Stats;

    internal override int PayloadBytes => PayloadSize.Str(Mode, ProtocolLimits.MaxReasonBytes) + ListCodec.SizeOf(Entries);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Mode);
        ListCodec.Write(ref writer, Entries);
    }

    internal static Stats Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxReasonBytes), ListCodec.ReadStats(ref reader));
}
