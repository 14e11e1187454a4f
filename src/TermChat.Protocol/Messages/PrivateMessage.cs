using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>A private message, delivered to the recipient and echoed to the sender.</summary>
public sealed record PrivateMessage(string From, string To, long TimeMs, string Text) : Message
{
    public override MessageType Type => MessageType.PrivateMessage;

    internal override int PayloadBytes => PayloadSize.Str(From, ProtocolLimits.MaxNickBytes) + PayloadSize.Str(To, ProtocolLimits.MaxNickBytes) + PayloadSize.U64 + PayloadSize.Str(Text, ProtocolLimits.MaxTextBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(From);
        writer.Str(To);
        writer.I64(TimeMs);
        writer.Str(Text);
    }

    internal static PrivateMessage Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxNickBytes), reader.Str(ProtocolLimits.MaxNickBytes), reader.I64(), reader.Str(ProtocolLimits.MaxTextBytes));
}
