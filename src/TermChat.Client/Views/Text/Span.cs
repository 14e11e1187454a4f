namespace TermChat.Client.Views.Text;

/// <summary>A run of already sanitized text in one style.</summary>
/// <param name="Content">The text (no control characters: it went through the sanitizer).</param>
/// <param name="Style">How it is drawn.</param>
public sealed record Span(string Content, SpanStyle Style = default)
{
    /// <summary>Columns the text takes on the terminal.</summary>
    public int Width => Columns.Of(Content);
}
