using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client marks itself away with a reason; an empty reason means back.</summary>
public sealed record SetAway(string Reason) : Message
{
    public override MessageType Type => MessageType.SetAway;

    internal override int PayloadBytes => PayloadSize.Str(Reason, ProtocolLimits.MaxReasonBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Reason);
    }

    internal static SetAway Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxReasonBytes));
}
