using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using TermChat.Cli.Usage;
using TermChat.Protocol.Text;
using TermChat.Protocol;
using TermChat.Server.Storage;

namespace TermChat.Cli.Commands;

/// <summary>`termchat history search WORDS`: search a server's stored history, from its data file, beside the running server.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var words = new Argument<string[]>("words") { Arity = ArgumentArity.OneOrMore, Description = "Words that must all appear (a trailing * matches a prefix)." };
        // Words are free text, so a mistyped option would be searched for instead of refused.
        words.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(token => token.Value.StartsWith("--", StringComparison.Ordinal)) is { } option)
            {
                result.AddError($"unknown option {OptionRules.Quote(option.Value)}");
            }
        });
        var data = new Option<string?>("--data") { HelpName = "FILE", Description = "The server's data file (default: the one `termchat serve --port PORT` uses)." };
        var port = new Option<int>("--port", "-p") { HelpName = "PORT", Description = "Find the data file of the server on this port.", DefaultValueFactory = _ => TermChat.Client.Transports.ChatEndpoint.DefaultPort }.Port(allowZero: false);
        var room = new Option<string?>("--room", "-r") { HelpName = "ROOM", Description = "Search this room only (default: every room)." }.Room();
        var limit = new Option<int>("--limit", "-n") { HelpName = "N", Description = "Show at most N matches, newest first.", DefaultValueFactory = _ => 20 }.InRange(1, 10_000);
        var json = new Option<bool>("--json") { Description = "One JSON object per match, for scripts." };
        var search = new Command("search", "Search stored room messages (full text), newest first.") { words, data, port, room, limit, json };
        search.SetAction(parseResult =>
        {
            int most = parseResult.GetValue(limit);
            string? roomName = null;
            if (parseResult.GetValue(room) is { } given)
            {
                if (!NameRules.TryNormalizeRoom(given.StartsWith('#') ? given : "#" + given, out string normalized, out string problem)) throw new UsageException($"--room: {problem}");
                roomName = normalized;
            }
            string file = parseResult.GetValue(data) is { } path
                ? DataOptions.Resolve(path, ephemeral: false, port: 0)!
                : DataOptions.DefaultPath(parseResult.GetValue(port));
            IReadOnlyList<FoundMessage> found;
            try
            {
                found = HistorySearch.Run(file, roomName, string.Join(' ', parseResult.GetValue(words)!), most);
            }
            catch (StoreOpenException problem)
            {
                Console.Error.WriteLine($"termchat history search: {problem.Message}");
                return 1;
            }
            bool asJson = parseResult.GetValue(json);
            foreach (var message in found)
            {
                Console.Out.WriteLine(asJson ? ToJson(message) : ToLine(message));
            }
            if (!asJson && found.Count == 0) Console.Error.WriteLine("termchat history search: no stored message matches.");
            return 0;
        });
        return new Command("history", "Work with a server's stored history.") { search };
    }

    private static string ToLine(FoundMessage message)
    {
        string when = DateTimeOffset.FromUnixTimeMilliseconds(message.TimeMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        string nick = TextSanitizer.Sanitize(message.Nick, LineBreaks.Space);
        string text = TextSanitizer.Sanitize(message.Text, LineBreaks.Space);
        return message.Kind == MessageKind.Action
            ? $"{message.Room} {when} * {nick} {text}"
            : $"{message.Room} {when} <{nick}> {text}";
    }

    // JSON escapes every control character, so the raw text is kept: a script gets exactly what was said.
    private static string ToJson(FoundMessage message) => new JsonObject
    {
        ["room"] = message.Room,
        ["seq"] = message.Seq,
        ["time_ms"] = message.TimeMs,
        ["nick"] = message.Nick,
        ["kind"] = message.Kind.ToString().ToLowerInvariant(),
        ["text"] = message.Text,
    }.ToJsonString();
}
