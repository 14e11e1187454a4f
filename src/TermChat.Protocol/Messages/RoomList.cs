using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>Every room with its member count and topic.</summary>
public sealed record RoomList(ValueList<RoomInfo> Rooms) : Message
{
    public override MessageType Type => MessageType.RoomList;

    internal override int PayloadBytes => ListCodec.SizeOf(Rooms);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        ListCodec.Write(ref writer, Rooms);
    }

    internal static RoomList Read(ref PayloadReader reader) => new(ListCodec.ReadRooms(ref reader));
}
