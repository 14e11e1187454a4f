using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client asks for a new nick.</summary>
public sealed record ChangeNick(string Nick) : Message
{
    public override MessageType Type => MessageType.ChangeNick;

    internal override int PayloadBytes => PayloadSize.Str(Nick, ProtocolLimits.MaxNickBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Nick);
    }

    internal static ChangeNick Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxNickBytes));
}
