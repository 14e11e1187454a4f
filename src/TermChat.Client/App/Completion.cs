namespace TermChat.Client.App;

/// <summary>Tab-completion candidates for the word that ends at the cursor.</summary>
/// <param name="Start">Where the word being completed starts in the text.</param>
/// <param name="Length">Its length (up to the cursor).</param>
/// <param name="Candidates">Replacements for that word, best first, including any suffix (": " after a nick at the start, " " after a command).</param>
public sealed record Completion(int Start, int Length, IReadOnlyList<string> Candidates)
{
    /// <summary>No candidates.</summary>
    public static Completion None { get; } = new(0, 0, []);
}
