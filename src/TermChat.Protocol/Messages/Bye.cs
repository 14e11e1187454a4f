using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Orderly goodbye, either direction, sent before closing.</summary>
public sealed record Bye(string Reason) : Message
{
    public override MessageType Type => MessageType.Bye;

    internal override int PayloadBytes => PayloadSize.Str(Reason, ProtocolLimits.MaxReasonBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Reason);
    }

    internal static Bye Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxReasonBytes));
}
