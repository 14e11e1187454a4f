namespace TermChat.Client.App;

/// <summary>Supplies tab-completion candidates to a <see cref="LineEditor"/>.</summary>
public interface ICompletionSource
{
    /// <summary>
    /// Candidates that replace the word ending at <paramref name="cursor"/> (the text from the
    /// last whitespace before the cursor up to the cursor). Return an empty list when nothing matches.
    /// </summary>
    IReadOnlyList<string> GetCandidates(string text, int cursor);
}
