namespace TermChat.Client.App;

/// <summary>What submitting one input line did.</summary>
/// <param name="Entries">Local lines it produced (help, usage errors); server replies arrive later through <see cref="ChatApp.Apply"/>.</param>
/// <param name="Quit">Whether the user asked to quit.</param>
public sealed record SubmitResult(IReadOnlyList<ChatEntry> Entries, bool Quit)
{
    /// <summary>The room a /join asked the server for; its answer (or an error) arrives later through <see cref="ChatApp.Apply"/>.</summary>
    public string? Joining { get; init; }
}
