using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client sends a private message to one nick.</summary>
public sealed record SendPrivate(string To, string Text) : Message
{
    public override MessageType Type => MessageType.SendPrivate;

    internal override int PayloadBytes => PayloadSize.Str(To, ProtocolLimits.MaxNickBytes) + PayloadSize.Str(Text, ProtocolLimits.MaxTextBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(To);
        writer.Str(Text);
    }

    internal static SendPrivate Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxNickBytes), reader.Str(ProtocolLimits.MaxTextBytes));
}
