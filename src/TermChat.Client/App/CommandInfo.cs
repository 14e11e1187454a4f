namespace TermChat.Client.App;

/// <summary>One slash command: its name, usage and what it does, for /help and completion.</summary>
public sealed record CommandInfo(string Name, string Usage, string Summary)
{
    /// <summary>Every command the client understands, in the order /help lists them.</summary>
    public static IReadOnlyList<CommandInfo> All { get; } =
    [
        new("join", "/join #room", "join a room (created if new) and switch to it"),
        new("part", "/part [#room] [reason]", "leave the current (or named) room, or close a private conversation"),
        new("nick", "/nick NAME", "change your nick"),
        new("msg", "/msg NICK TEXT", "send a private message"),
        new("me", "/me ACTION", "act in the current room, e.g. /me waves"),
        new("names", "/names [#room]", "list the members of the current (or named) room"),
        new("rooms", "/rooms", "list the rooms on the server"),
        new("topic", "/topic [TEXT]", "show, or set, the current room's topic"),
        new("search", "/search WORDS", "search the current room's stored history for messages holding every word (word* matches a prefix)"),
        new("away", "/away [REASON]", "mark yourself away"),
        new("back", "/back", "mark yourself present again"),
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
