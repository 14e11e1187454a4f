using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Keepalive probe, either direction; the receiver answers with a <see cref="Pong"/> carrying the same nonce.</summary>
public sealed record Ping(ulong Nonce) : Message
{
    public override MessageType Type => MessageType.Ping;

    internal override int PayloadBytes => PayloadSize.U64;

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.U64(Nonce);
    }

    internal static Ping Read(ref PayloadReader reader) => new(reader.U64());
}
