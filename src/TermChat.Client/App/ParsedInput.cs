namespace TermChat.Client.App;

/// <summary>One input line, parsed: a message for the current room, or a command with its argument text.</summary>
/// <param name="Command">The command name lowercase without the slash, or null for a chat message.</param>
/// <param name="Argument">The text after the command name, trimmed; for a message, the message text.</param>
public sealed record ParsedInput(string? Command, string Argument)
{
    /// <summary>
    /// Parses a line. A line starting with "/" is a command; "//" escapes a message that starts with a slash;
    /// anything else is a message. Surrounding line breaks are removed; inner spaces are kept.
    /// </summary>
    public static ParsedInput Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = line.TrimEnd('\r', '\n');
        if (line.StartsWith("//", StringComparison.Ordinal))
        {
            return new ParsedInput(null, line[1..]);
        }
        if (line.Length > 1 && line[0] == '/' && !char.IsWhiteSpace(line[1]))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string name = space < 0 ? line[1..] : line[1..space];
            string rest = space < 0 ? "" : line[(space + 1)..].Trim();
            return new ParsedInput(name.ToLowerInvariant(), rest);
        }
        return new ParsedInput(null, line);
    }

    /// <summary>Splits off the first word of <paramref name="text"/>.</summary>
    internal static (string First, string Remainder) SplitFirst(string text)
    {
        text = text.Trim();
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, "") : (text[..space], text[(space + 1)..].TrimStart());
    }
}
