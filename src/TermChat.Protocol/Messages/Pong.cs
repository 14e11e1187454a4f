using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Answer to a <see cref="Ping"/>.</summary>
public sealed record Pong(ulong Nonce) : Message
{
    public override MessageType Type => MessageType.Pong;

    internal override int PayloadBytes => PayloadSize.U64;

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.U64(Nonce);
    }

    internal static Pong Read(ref PayloadReader reader) => new(reader.U64());
}
