using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>
/// A room's modes and who holds rights in it (protocol version 3): sent after each join sequence and whenever they
/// change, so a client can mark locked or keyed rooms and operators.
/// </summary>
/// <param name="Room">The room.</param>
/// <param name="Modes">Its modes.</param>
/// <param name="Operators">Members who are server operators, in nick order.</param>
/// <param name="Voiced">Members with voice, in nick order.</param>
public sealed record RoomModes(string Room, RoomModeFlags Modes, ValueList<string> Operators, ValueList<string> Voiced) : Message
{
    public override MessageType Type => MessageType.RoomModes;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.U8 + ListCodec.SizeOf(Operators) + ListCodec.SizeOf(Voiced);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.U8((byte)Modes);
        ListCodec.Write(ref writer, Operators);
        ListCodec.Write(ref writer, Voiced);
    }

    internal static RoomModes Read(ref PayloadReader reader)
    {
        string room = reader.Str(ProtocolLimits.MaxRoomBytes);
        byte modes = reader.U8();
        if (modes > 15)
        {
            throw new ProtocolException(ErrorCode.MalformedFrame, $"{modes} is not a set of room modes.");
        }
        return new(room, (RoomModeFlags)modes, ListCodec.ReadNicks(ref reader), ListCodec.ReadNicks(ref reader));
    }
}
