using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>An error with its code; fatal errors are followed by closing the connection.</summary>
public sealed record Error(ErrorCode Code, string Text) : Message
{
    public override MessageType Type => MessageType.Error;

    internal override int PayloadBytes => PayloadSize.U16 + PayloadSize.Str(Text, ProtocolLimits.MaxTextBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.U16((ushort)Code);
        writer.Str(Text);
    }

    internal static Error Read(ref PayloadReader reader) => new((ErrorCode)reader.U16(), reader.Str(ProtocolLimits.MaxTextBytes));
}
