using TermChat.Client.App;
using TermChat.Tui.Editing;

namespace TermChat.Client.View;

/// <summary>
/// Lets the Tui line editor complete through <see cref="ChatApp.Complete"/>: nicks, rooms and commands.
/// Both sides take the word to replace as the text from the last whitespace before the cursor, so the
/// app's candidates (with their ": " or " " suffixes) replace exactly that word.
/// </summary>
internal sealed class ChatCompletionSource(ChatApp app) : ICompletionSource
{
    public IReadOnlyList<string> GetCandidates(string text, int cursor) => app.Complete(text, cursor).Candidates;
}
