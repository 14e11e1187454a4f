using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Tells the client its own nick changed.</summary>
public sealed record NickChanged(string OldNick, string NewNick) : Message
{
    public override MessageType Type => MessageType.NickChanged;

    internal override int PayloadBytes => PayloadSize.Str(OldNick, ProtocolLimits.MaxNickBytes) + PayloadSize.Str(NewNick, ProtocolLimits.MaxNickBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(OldNick);
        writer.Str(NewNick);
    }

    internal static NickChanged Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxNickBytes), reader.Str(ProtocolLimits.MaxNickBytes));
}
