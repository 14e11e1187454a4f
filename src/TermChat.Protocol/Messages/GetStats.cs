using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client asks for the server's mode and figures.</summary>
public sealed record GetStats() : Message
{
    public override MessageType Type => MessageType.GetStats;

    internal override int PayloadBytes => 0;

    internal override void WritePayload(ref PayloadWriter writer)
    {
    }

    internal static GetStats Read(ref PayloadReader reader) => new();
}
