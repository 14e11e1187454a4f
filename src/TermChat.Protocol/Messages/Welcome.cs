using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>
/// The server's answer to <see cref="Hello"/>: the nick granted, the resume token to keep, whether an
/// earlier session was resumed, and the server's name, mode, keepalive interval and message of the day.
/// </summary>
public sealed record Welcome(ushort Version, string Nick, ResumeToken Token, bool Resumed, string ServerName, string Mode, ushort KeepaliveSeconds, string Motd) : Message
{
    public override MessageType Type => MessageType.Welcome;

    internal override int PayloadBytes =>
        PayloadSize.U16 + PayloadSize.Str(Nick, ProtocolLimits.MaxNickBytes) + PayloadSize.Token + PayloadSize.U8 + PayloadSize.Str(ServerName, ProtocolLimits.MaxReasonBytes)
        + PayloadSize.Str(Mode, ProtocolLimits.MaxReasonBytes) + PayloadSize.U16 + PayloadSize.Str(Motd, ProtocolLimits.MaxTextBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.U16(Version);
        writer.Str(Nick);
        writer.Token(Token);
        writer.Bool(Resumed);
        writer.Str(ServerName);
        writer.Str(Mode);
        writer.U16(KeepaliveSeconds);
        writer.Str(Motd);
    }

    internal static Welcome Read(ref PayloadReader reader) => new(
        reader.U16(), reader.Str(ProtocolLimits.MaxNickBytes), reader.Token(), reader.Bool(),
        reader.Str(ProtocolLimits.MaxReasonBytes), reader.Str(ProtocolLimits.MaxReasonBytes), reader.U16(), reader.Str(ProtocolLimits.MaxTextBytes));
}
