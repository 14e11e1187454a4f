using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>
/// The first frame a client sends: magic, version, the nick it wants and, when resuming, its token
/// and the last sequence number it saw in each room.
/// </summary>
public sealed record Hello(ushort Version, string Nick, ResumeToken Token, ValueList<RoomCursor> Cursors) : Message
{
    /// <summary>"TCHT": lets a server reject a peer that speaks another protocol on the first bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "TCHT"u8;

    public override MessageType Type => MessageType.Hello;

    internal override int PayloadBytes => Magic.Length + PayloadSize.U16 + PayloadSize.Str(Nick, ProtocolLimits.MaxNickBytes) + PayloadSize.Token + ListCodec.SizeOf(Cursors);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Bytes(Magic);
        writer.U16(Version);
        writer.Str(Nick);
        writer.Token(Token);
        ListCodec.Write(ref writer, Cursors);
    }

    internal static Hello Read(ref PayloadReader reader)
    {
        if (!reader.Bytes(Magic.Length).SequenceEqual(Magic))
        {
            throw new ProtocolException(ErrorCode.BadHandshake, "The hello does not start with the TermChat magic \"TCHT\".");
        }
        ushort version = reader.U16();
        if (version is < ProtocolLimits.MinVersion or > ProtocolLimits.Version)
        {
            throw new ProtocolException(ErrorCode.BadHandshake,
                $"Protocol version {version} is not supported; this peer speaks versions {ProtocolLimits.MinVersion} to {ProtocolLimits.Version}.");
        }
        return new Hello(version, reader.Str(ProtocolLimits.MaxNickBytes), reader.Token(), ListCodec.ReadCursors(ref reader));
    }
}
