using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Client asks for the room list.</summary>
public sealed record ListRooms() : Message
{
    public override MessageType Type => MessageType.ListRooms;

    internal override int PayloadBytes => 0;

    internal override void WritePayload(ref PayloadWriter writer)
    {
    }

    internal static ListRooms Read(ref PayloadReader reader) => new();
}
