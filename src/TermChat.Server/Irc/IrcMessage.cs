namespace TermChat.Server.Irc;

/// <summary>
/// One IRC line from a client, parsed (RFC 1459 section 2.3, IRCv3 message-tags): the command in upper case and its
/// parameters, the trailing one included. Client tags and the prefix are read past: a server does not trust a
/// client's prefix, and no client-only tag changes what TermChat does.
/// </summary>
/// <param name="Command">The command or numeric, upper case.</param>
/// <param name="Params">The parameters, at most <see cref="MaxParams"/>.</param>
internal sealed record IrcMessage(string Command, IReadOnlyList<string> Params)
{
    /// <summary>RFC 1459 allows 15 parameters; past that, the rest of the line is the last one.</summary>
    public const int MaxParams = 15;

    /// <summary>The parameter at <paramref name="index"/>, or "" when there are fewer.</summary>
    public string Param(int index) => index < Params.Count ? Params[index] : "";

    /// <summary>Parses a line (without its line ending). False for a line with no command.</summary>
    public static bool TryParse(string line, out IrcMessage message)
    {
        message = null!;
        int i = 0;
        SkipSpaces(line, ref i);
        if (i < line.Length && line[i] == '@') SkipWord(line, ref i);
        SkipSpaces(line, ref i);
        if (i < line.Length && line[i] == ':') SkipWord(line, ref i);
        SkipSpaces(line, ref i);
        int start = i;
        SkipWord(line, ref i);
        if (i == start) return false;
        string command = line[start..i].ToUpperInvariant();
        var parameters = new List<string>();
        while (true)
        {
            SkipSpaces(line, ref i);
            if (i >= line.Length) break;
            if (line[i] == ':' || parameters.Count == MaxParams - 1)
            {
                parameters.Add(line[i] == ':' ? line[(i + 1)..] : line[i..]);
                break;
            }
            start = i;
            SkipWord(line, ref i);
            parameters.Add(line[start..i]);
        }
        message = new IrcMessage(command, parameters);
        return true;
    }

    private static void SkipSpaces(string line, ref int i)
    {
        while (i < line.Length && line[i] == ' ') i++;
    }

    private static void SkipWord(string line, ref int i)
    {
        while (i < line.Length && line[i] != ' ') i++;
    }
}
