using System.Globalization;
using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.App;

// Moderation (protocol version 3): the operators' commands, /nick --release, /join with a key, and the moderation
// events as lines.
public sealed partial class ChatApp
{
    /// <summary>Turns /kick, /ban, /unban, /mute, /unmute, /voice, /devoice, /invite, /mode and /key into a Moderate.</summary>
    /// <returns>Whether <paramref name="name"/> is one of these commands.</returns>
    private bool TryModerationCommand(string name, string argument, List<ChatEntry> output, out Message? send)
    {
        send = null;
        if (name is not ("kick" or "ban" or "unban" or "mute" or "unmute" or "voice" or "devoice" or "invite" or "mode" or "key"))
        {
            return false;
        }
        if (_protocolVersion < ProtocolLimits.ModerationVersion)
        {
            Local(EntryKind.Error, $"/{name} is unavailable: this server speaks protocol version {_protocolVersion}, which has no moderation", output);
            return true;
        }
        var (first, rest) = ParsedInput.SplitFirst(argument);
        if (first.Length == 0 && name != "key")
        {
            Usage(name, output);
            return true;
        }
        if (name is "ban" or "unban")
        {
            uint banSeconds = 0;
            if (name == "ban" && TryDuration(ParsedInput.SplitFirst(rest).First, out uint parsed))
            {
                banSeconds = parsed;
                rest = ParsedInput.SplitFirst(rest).Remainder;
            }
            send = Checked(new Moderate(name == "ban" ? ModerationAction.Ban : ModerationAction.Unban, "", first, banSeconds, rest), output);
            return true;
        }
        if (_current is null or { IsPrivate: true })
        {
            Local(EntryKind.Error, $"/{name} acts on a room: switch to one first", output);
            return true;
        }
        string room = _current.Name;
        send = name switch
        {
            "kick" => Checked(new Moderate(ModerationAction.Kick, room, first, 0, rest), output),
            "mute" => TryDuration(ParsedInput.SplitFirst(rest).First, out uint seconds)
                ? Checked(new Moderate(ModerationAction.Mute, room, first, seconds, ParsedInput.SplitFirst(rest).Remainder), output)
                : Checked(new Moderate(ModerationAction.Mute, room, first, 0, rest), output),
            "unmute" => new Moderate(ModerationAction.Unmute, room, first, 0, ""),
            "voice" => new Moderate(ModerationAction.Voice, room, first, 0, ""),
            "devoice" => new Moderate(ModerationAction.Devoice, room, first, 0, ""),
            "invite" => new Moderate(ModerationAction.Invite, room, first, 0, ""),
            "key" => first.Length == 0 ? UsageMessage("key", output)
                : first == "-" ? new Moderate(ModerationAction.ClearKey, room, "", 0, "")
                : Checked(new Moderate(ModerationAction.SetKey, room, first, 0, ""), output),
            _ => ModeChange(room, first, output),
        };
        return true;
    }

    private Message? ModeChange(string room, string change, List<ChatEntry> output)
    {
        ModerationAction? action = change switch
        {
            "+i" => ModerationAction.InviteOnly,
            "-i" => ModerationAction.NotInviteOnly,
            "+m" => ModerationAction.Moderated,
            "-m" => ModerationAction.NotModerated,
            "+t" => ModerationAction.LockTopic,
            "-t" => ModerationAction.UnlockTopic,
            _ => null,
        };
        if (action is { } known) return new Moderate(known, room, "", 0, "");
        Local(EntryKind.Error, $"unknown mode {change}: +i/-i invite-only, +m/-m moderated, +t/-t topic lock (a key is /key KEY or /key -)", output);
        return null;
    }

    private Message? UsageMessage(string command, List<ChatEntry> output)
    {
        Usage(command, output);
        return null;
    }

    private Moderate? Checked(Moderate moderate, List<ChatEntry> output)
    {
        if (Encoding.UTF8.GetByteCount(moderate.Target) > ProtocolLimits.MaxReasonBytes || Encoding.UTF8.GetByteCount(moderate.Reason) > ProtocolLimits.MaxReasonBytes)
        {
            Local(EntryKind.Error, $"a target or reason has at most {ProtocolLimits.MaxReasonBytes} bytes", output);
            return null;
        }
        return moderate;
    }

    /// <summary>Reads a duration: a number with s, m, h or d (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>7d</c>).</summary>
    internal static bool TryDuration(string text, out uint seconds)
    {
        seconds = 0;
        if (text.Length < 2) return false;
        uint unit = char.ToLowerInvariant(text[^1]) switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        if (unit == 0 || !uint.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out uint count) || count == 0) return false;
        ulong total = (ulong)count * unit;
        if (total > uint.MaxValue) return false;
        seconds = (uint)total;
        return true;
    }

    /// <summary>A moderation event as a line, and its effect on the member list when live.</summary>
    private static (EntryKind Kind, string Text) ModerationEvent(RoomEvent e, RoomState? liveRoom)
    {
        var (target, rest) = ParsedInput.SplitFirst(e.Detail);
        string because = rest.Length > 0 ? $" ({rest})" : "";
        switch (e.Kind)
        {
            case RoomEventKind.Kick:
                liveRoom?.RemoveMember(target);
                return (EntryKind.Part, $"{e.Nick} kicked {target} from {e.Room}{because}");
            case RoomEventKind.Ban:
                liveRoom?.RemoveMember(target);
                return (EntryKind.Quit, $"{e.Nick} banned {target}{because}");
            case RoomEventKind.Mute:
                return (EntryKind.Notice, $"{e.Nick} muted {target} {rest}".TrimEnd());
            case RoomEventKind.Unmute:
                return (EntryKind.Notice, $"{e.Nick} unmuted {target}");
            case RoomEventKind.Voice:
                return (EntryKind.Notice, $"{e.Nick} gave {target} voice");
            case RoomEventKind.Devoice:
                return (EntryKind.Notice, $"{e.Nick} took voice from {target}");
            case RoomEventKind.Invite:
                return (EntryKind.Notice, $"{e.Nick} invited {target} to {e.Room}");
            default:
                return (EntryKind.Notice, $"{e.Nick} set mode {e.Detail} on {e.Room} ({ModeName(e.Detail)})");
        }
    }

    private static string ModeName(string change) => change switch
    {
        "+i" => "invite-only",
        "-i" => "open to all",
        "+k" => "joining needs a key",
        "-k" => "no key",
        "+m" => "moderated: only operators and voiced members speak",
        "-m" => "everyone speaks",
        "+t" => "only operators set the topic",
        "-t" => "everyone sets the topic",
        _ => "changed",
    };
}
