namespace TermChat.Client.App;

// Tab completion; a LineEditor takes the app directly as its completion source.
public sealed partial class ChatApp : ICompletionSource
{
    /// <inheritdoc/>
    IReadOnlyList<string> ICompletionSource.GetCandidates(string text, int cursor) => Complete(text, cursor).Candidates;

    /// <summary>
    /// Completion candidates for the word ending at <paramref name="cursor"/>: command names after a leading
    /// "/", room names for a word starting with "#", otherwise nicks of the current room (and open conversations).
    /// A nick completed at the start of the line gets ": " appended; a command gets " ".
    /// </summary>
    public Completion Complete(string text, int cursor)
    {
        ArgumentNullException.ThrowIfNull(text);
        cursor = Math.Clamp(cursor, 0, text.Length);
        int start = cursor;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }
        string word = text[start..cursor];
        if (word.Length == 0)
        {
            return Completion.None;
        }
        IEnumerable<string> candidates;
        lock (_gate)
        {
            if (start == 0 && word[0] == '/')
            {
                string prefix = word[1..];
                candidates = CommandInfo.All.Select(c => c.Name)
                    .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(n => "/" + n + " ");
            }
            else if (word[0] == '#')
            {
                candidates = _rooms.Where(r => !r.IsPrivate).Select(r => r.Name)
                    .Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.OrdinalIgnoreCase);
            }
            else
            {
                string prefix = word.TrimStart('@');
                string at = word.Length > prefix.Length ? "@" : "";
                var nicks = (_current?.Members.Select(m => m.Nick) ?? [])
                    .Concat(_rooms.Where(r => r.IsPrivate).Select(r => r.Name))
                    .Where(n => !IsMe(n) && n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .Order(StringComparer.OrdinalIgnoreCase);
                candidates = start == 0 ? nicks.Select(n => at + n + ": ") : nicks.Select(n => at + n);
            }
            return new Completion(start, word.Length, [.. candidates]);
        }
    }
}
