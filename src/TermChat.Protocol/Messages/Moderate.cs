using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>A moderation command, or the release of the sender's nick (protocol version 3).</summary>
/// <param name="Action">What to do.</param>
/// <param name="Room">The room it applies to; empty for server-wide actions (ban, unban, release).</param>
/// <param name="Target">A nick, or for a ban a key fingerprint or IP/CIDR, or for SetKey the key; may be empty.</param>
/// <param name="Seconds">How long a ban or mute lasts; 0 = until lifted.</param>
/// <param name="Reason">Why, shown to everyone; may be empty.</param>
public sealed record Moderate(ModerationAction Action, string Room, string Target, uint Seconds, string Reason) : Message
{
    public override MessageType Type => MessageType.Moderate;

    internal override int PayloadBytes => PayloadSize.U8 + PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Target, ProtocolLimits.MaxReasonBytes)
        + PayloadSize.U32 + PayloadSize.Str(Reason, ProtocolLimits.MaxReasonBytes);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.U8((byte)Action);
        writer.Str(Room);
        writer.Str(Target);
        writer.U32(Seconds);
        writer.Str(Reason);
    }

    internal static Moderate Read(ref PayloadReader reader)
    {
        byte action = reader.U8();
        if (action is < (byte)ModerationAction.ReleaseNick or > (byte)ModerationAction.ClearKey)
        {
            throw new ProtocolException(ErrorCode.MalformedFrame, $"{action} is not a moderation action.");
        }
        return new((ModerationAction)action, reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxReasonBytes), reader.U32(), reader.Str(ProtocolLimits.MaxReasonBytes));
    }
}
