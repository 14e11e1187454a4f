using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>
/// The first frame a client sends: magic, version, the nick it wants and, when resuming, its token
/// and the last sequence number it saw in each room. From version 3 it ends with the server password (empty for none).
/// </summary>
public sealed record Hello(ushort Version, string Nick, ResumeToken Token, ValueList<RoomCursor> Cursors, string Password = "") : Message
{
    /// <summary>"TCHT": lets a server reject a peer that speaks another protocol on the first bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "TCHT"u8;

    public override MessageType Type => MessageType.Hello;

    internal override int PayloadBytes => Magic.Length + PayloadSize.U16 + PayloadSize.Str(Nick, ProtocolLimits.MaxNickBytes) + PayloadSize.Token + ListCodec.SizeOf(Cursors)
        + (Version >= ProtocolLimits.ModerationVersion ? PayloadSize.Str(Password, ProtocolLimits.MaxReasonBytes) : 0);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Bytes(Magic);
        writer.U16(Version);
        writer.Str(Nick);
        writer.Token(Token);
        ListCodec.Write(ref writer, Cursors);
        if (Version >= ProtocolLimits.ModerationVersion) writer.Str(Password);
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
        string nick = reader.Str(ProtocolLimits.MaxNickBytes);
        var token = reader.Token();
        var cursors = ListCodec.ReadCursors(ref reader);
        return new Hello(version, nick, token, cursors, version >= ProtocolLimits.ModerationVersion ? reader.Str(ProtocolLimits.MaxReasonBytes) : "");
    }
}
