using TermChat.Protocol;
using TermChat.Server.Core;

namespace TermChat.Server.LineMode;

/// <summary>What a line typed in line mode does: text goes to the current room; a few slash commands do the rest.</summary>
internal static class LineCommands
{
    private const string Help =
        "-!- commands: /join #room, /part [#room], /msg nick text, /me action, /nick new, /who [#room], /topic text, " +
        "/away [text], /rooms, /quit [reason]; //text sends a line that starts with /";

    public static void Run(ChatCore core, LineConnection connection, CoreSession session, string line)
    {
        if (!line.StartsWith('/') || line.StartsWith("//", StringComparison.Ordinal))
        {
            Talk(core, connection, session, MessageKind.Say, line.StartsWith('/') ? line[1..] : line);
            return;
        }
        int space = line.IndexOf(' ');
        string command = (space < 0 ? line[1..] : line[1..space]).ToLowerInvariant();
        string rest = space < 0 ? "" : line[(space + 1)..].Trim();
        string first = rest.Split(' ', 2)[0];
        string after = rest.Contains(' ') ? rest[(rest.IndexOf(' ') + 1)..] : "";
        switch (command)
        {
            case "join" when first.Length > 0:
                if (!connection.TrySwitch(NormalRoom(first))) core.Join(session, first);
                else connection.Say($"-!- lines you type go to {connection.CurrentRoom} now");
                return;
            case "part":
                core.Part(session, first.Length > 0 ? first : connection.CurrentRoom, after);
                return;
            case "msg" when first.Length > 0 && after.Length > 0:
                core.Private(session, first, after);
                return;
            case "me" when rest.Length > 0:
                Talk(core, connection, session, MessageKind.Action, rest);
                return;
            case "nick" when first.Length > 0:
                connection.Hold.Until(core.ChangeNick(session, first));
                return;
            case "who":
                core.ListMembers(session, first.Length > 0 ? first : connection.CurrentRoom);
                return;
            case "topic" when rest.Length > 0:
                core.SetTopic(session, connection.CurrentRoom, rest);
                return;
            case "away":
                core.SetAway(session, rest);
                return;
            case "rooms":
                core.ListRooms(session);
                return;
            case "quit":
                core.Quit(session, rest.Length > 0 ? rest : "quit");
                connection.Session = null;
                connection.Close(null, "goodbye");
                return;
            case "help":
                connection.Say(Help);
                return;
            default:
                connection.Say($"!!! unknown command or missing argument: {line.Split(' ')[0]}; /help lists the commands");
                return;
        }
    }

    private static void Talk(ChatCore core, LineConnection connection, CoreSession session, MessageKind kind, string text)
    {
        if (text.Trim().Length == 0) return;
        if (connection.CurrentRoom.Length == 0)
        {
            connection.Say("!!! you are in no room; /join one to talk");
            return;
        }
        core.Say(session, connection.CurrentRoom, kind, text);
    }

    private static string NormalRoom(string room) => NameRules.TryNormalizeRoom(room, out string normalized, out _) ? normalized : room;
}
