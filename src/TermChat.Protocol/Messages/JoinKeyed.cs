using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Join a room that has a key (protocol version 3); otherwise the same as <see cref="JoinRoom"/>.</summary>
public sealed record JoinKeyed(string Room, string Key) : Message
{
    public override MessageType Type => MessageType.JoinKeyed;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Key, ProtocolLimits.MaxReasonBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.Str(Key);
    }

    internal static JoinKeyed Read(ref PayloadReader reader) => new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxReasonBytes));
}
