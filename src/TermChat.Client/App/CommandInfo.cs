namespace TermChat.Client.App;

/// <summary>One slash command: its name, usage and what it does, for /help and completion.</summary>
public sealed record CommandInfo(string Name, string Usage, string Summary)
{
    /// <summary>Every command the client understands, in the order /help lists them.</summary>
    public static IReadOnlyList<CommandInfo> All { get; } =
    [
        new("join", "/join #room [KEY]", "join a room (created if new) and switch to it; KEY for a room with a key"),
        new("part", "/part [#room] [reason]", "leave the current (or named) room, or close a private conversation"),
        new("nick", "/nick NAME|--release", "change your nick; --release gives up your key's claim on it"),
        new("msg", "/msg NICK TEXT", "send a private message"),
        new("me", "/me ACTION", "act in the current room, e.g. /me waves"),
        new("names", "/names [#room]", "list the members of the current (or named) room"),
        new("rooms", "/rooms", "list the rooms on the server"),
        new("topic", "/topic [TEXT]", "show, or set, the current room's topic"),
        new("search", "/search WORDS", "search the current room's stored history for messages holding every word (word* matches a prefix)"),
        new("away", "/away [REASON]", "mark yourself away"),
        new("back", "/back", "mark yourself present again"),
        new("kick", "/kick NICK [REASON]", "operators: remove someone from the current room"),
        new("ban", "/ban NICK|KEY|IP[/BITS] [DURATION] [REASON]", "operators: ban from the server, e.g. /ban bob 2h spam (DURATION: 90s, 10m, 2h, 7d; none = until /unban)"),
        new("unban", "/unban NICK|KEY|IP[/BITS]", "operators: lift a ban"),
        new("mute", "/mute NICK [DURATION] [REASON]", "operators: stop someone speaking in the current room"),
        new("unmute", "/unmute NICK", "operators: let them speak again"),
        new("voice", "/voice NICK", "operators: let someone speak in a moderated room"),
        new("devoice", "/devoice NICK", "operators: take voice away"),
        new("invite", "/invite NICK", "operators: let someone join the current invite-only or keyed room"),
        new("mode", "/mode +i|-i|+m|-m|+t|-t", "operators: invite-only, moderated, topic lock for the current room"),
        new("key", "/key KEY|-", "operators: require a key to join the current room, or - to remove it"),
        new("stats", "/stats", "show the server's mode and figures"),
        new("netcheck", "/netcheck [HOST[:PORT]]", "check the network path to this (or another) server: round trips, loss, datagram size, discovery"),
        new("transport", "/transport tcp|udp", "reconnect over another transport, keeping your session"),
        new("clear", "/clear", "clear the current room's scrollback on this screen"),
        new("help", "/help [COMMAND]", "list the commands, or explain one"),
        new("quit", "/quit [REASON]", "leave the chat"),
    ];

    /// <summary>Finds a command by name (without the slash, case-insensitive).</summary>
    public static CommandInfo? Find(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
