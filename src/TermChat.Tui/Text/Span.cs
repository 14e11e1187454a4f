using TermChat.Tui.Styling;

namespace TermChat.Tui.Text;

/// <summary>A run of text with one style.</summary>
public sealed record Span(string Content, Style Style = default)
{
    public int Width => TextWidth.Of(Content);

    public static implicit operator Span(string content) => new(content);
}
