using System.Globalization;
using System.Text;

namespace TermChat.Server.Irc;

/// <summary>
/// Builds IRC lines for clients: tags, prefix, command and parameters, with the 512-byte limit of RFC 1459 (the
/// tags have their own budget, IRCv3 message-tags) kept by splitting long text on UTF-8 character boundaries.
/// </summary>
internal static class IrcText
{
    /// <summary>Bytes of one line without its tags, CR LF included (RFC 1459 section 2.3).</summary>
    public const int MaxLineBytes = 512;

    /// <summary>Bytes a client may send: 512 for the message and 4096 for its tags (IRCv3 message-tags).</summary>
    public const int MaxClientLineBytes = MaxLineBytes + 4096;

    /// <summary>CTCP's delimiter (a byte 1 around <c>ACTION text</c>).</summary>
    public const char Ctcp = '\u0001';

    // Commands and numerics whose last parameter is a word, written bare as servers do; every other line's last
    // parameter is text and always gets the ':' (clients accept both, but some scripts split on the ':').
    private static readonly HashSet<string> BareLast = ["JOIN", "MODE", "BATCH", "AUTHENTICATE", "004", "221", "324", "329", "333"];

    /// <summary>One line with CR LF: <c>@tags :prefix COMMAND p1 p2 :last</c>.</summary>
    /// <param name="tags">Tags without the '@', or empty.</param>
    /// <param name="prefix">The source without the ':', or empty.</param>
    /// <param name="command">The command or numeric.</param>
    /// <param name="parameters">Parameters; the last one is written as trailing when it needs to be.</param>
    public static string Line(string tags, string prefix, string command, params ReadOnlySpan<string> parameters)
    {
        var line = new StringBuilder(64);
        if (tags.Length > 0) line.Append('@').Append(tags).Append(' ');
        if (prefix.Length > 0) line.Append(':').Append(prefix).Append(' ');
        line.Append(command);
        for (int i = 0; i < parameters.Length; i++)
        {
            string value = parameters[i];
            line.Append(' ');
            if (i == parameters.Length - 1 && (value.Length == 0 || value[0] == ':' || value.Contains(' ') || !BareLast.Contains(command))) line.Append(':');
            line.Append(value);
        }
        return line.Append("\r\n").ToString();
    }

    /// <summary>
    /// Cuts <paramref name="text"/> into pieces of at most <paramref name="budget"/> UTF-8 bytes each: one piece per
    /// line of the text (IRC has no line breaks inside a message), long lines cut on a character boundary, at a space
    /// when one falls in the second half of the piece. CR and NUL, which IRC forbids, are left out. No piece is empty
    /// unless the text is.
    /// </summary>
    public static List<string> Split(string text, int budget)
    {
        budget = Math.Max(budget, 16);
        var pieces = new List<string>();
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Contains('\r') || rawLine.Contains('\0') ? rawLine.Replace("\r", "").Replace("\0", "") : rawLine;
            if (line.Length == 0) continue;
            int start = 0;
            while (start < line.Length)
            {
                int end = start;
                int bytes = 0;
                while (end < line.Length)
                {
                    int width = char.IsHighSurrogate(line[end]) && end + 1 < line.Length && char.IsLowSurrogate(line[end + 1]) ? 2 : 1;
                    int size = Encoding.UTF8.GetByteCount(line.AsSpan(end, width));
                    if (bytes + size > budget) break;
                    bytes += size;
                    end += width;
                }
                if (end < line.Length)
                {
                    int space = line.LastIndexOf(' ', end - 1, end - start);
                    if (space > start + (end - start) / 2) end = space + 1;
                }
                pieces.Add(line[start..end]);
                start = end;
            }
        }
        if (pieces.Count == 0) pieces.Add("");
        return pieces;
    }

    /// <summary>An IRCv3 <c>time</c> tag value: UTC with milliseconds.</summary>
    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The CTCP ACTION of a PRIVMSG text, if it is one (the closing byte 1 is optional, as clients send it).</summary>
    public static bool TryAction(string text, out string action)
    {
        action = "";
        if (!text.StartsWith(Ctcp)) return false;
        string body = text.TrimEnd(Ctcp)[1..];
        if (body.Equals("ACTION", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (!body.StartsWith("ACTION ", StringComparison.OrdinalIgnoreCase)) return false;
        action = body[7..];
        return true;
    }

    /// <summary>Wraps <paramref name="action"/> as a CTCP ACTION.</summary>
    public static string Action(string action) => $"{Ctcp}ACTION {action}{Ctcp}";
}
