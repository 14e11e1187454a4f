namespace TermChat.Client.App;

/// <summary>Finds a nick mentioned in text: as a whole word, case-insensitive ("Bob:", "@bob", "hi bob!" but not "bobby").</summary>
public static class Mentions
{
    /// <summary>Whether <paramref name="text"/> mentions <paramref name="nick"/>.</summary>
    public static bool Contains(string text, string nick)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrEmpty(nick))
        {
            return false;
        }
        int from = 0;
        while (from <= text.Length - nick.Length)
        {
            int at = text.IndexOf(nick, from, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }
            int end = at + nick.Length;
            if ((at == 0 || !IsNickChar(text[at - 1])) && (end == text.Length || !IsNickChar(text[end])))
            {
                return true;
            }
            from = at + 1;
        }
        return false;
    }

    private static bool IsNickChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '[' or ']' or '\\' or '^' or '{' or '}' or '|' or '`';
}
