namespace TermChat.Server.History;

/// <summary>
/// The in-memory twin of the SQLite log's FTS5 query (<see cref="Storage.HistorySearch"/>): a text matches when it
/// holds every word, as a whole word (a run of letters and digits), case-insensitively; a word ending in * matches
/// any word it begins. Unlike FTS5 it does not fold diacritics ("café" does not find "cafe").
/// </summary>
internal sealed class WordMatch
{
    private readonly List<(string Word, bool Prefix)> _terms;

    private WordMatch(List<(string Word, bool Prefix)> terms) => _terms = terms;

    /// <summary>The query for plain words, as a user types them.</summary>
    public static WordMatch Parse(string words)
    {
        var terms = new List<(string, bool)>();
        foreach (string word in words.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            bool prefix = word.Length > 1 && word.EndsWith('*');
            // Punctuation in a query word splits it as FTS5's tokenizer would ("don't" is the words "don" and "t").
            int before = terms.Count;
            foreach (string part in Words(prefix ? word[..^1] : word))
            {
                terms.Add((part, false));
            }
            if (prefix && terms.Count > before) terms[^1] = (terms[^1].Item1, true);
        }
        return new WordMatch(terms);
    }

    /// <summary>Whether <paramref name="text"/> holds every word of the query (an empty query matches nothing).</summary>
    public bool Matches(string text)
    {
        if (_terms.Count == 0) return false;
        var words = Words(text).ToList();
        foreach (var (word, prefix) in _terms)
        {
            bool found = prefix
                ? words.Exists(w => w.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                : words.Exists(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase));
            if (!found) return false;
        }
        return true;
    }

    private static IEnumerable<string> Words(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }
        }
    }
}
