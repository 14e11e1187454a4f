namespace TermChat.Tui.Text;

/// <summary>One line of styled spans. Newlines inside spans are not line breaks; see <see cref="WordWrap"/>.</summary>
public sealed record Line(IReadOnlyList<Span> Spans, Alignment Alignment = Alignment.Left)
{
    public static Line Empty { get; } = new([]);

    public int Width => Spans.Sum(s => s.Width);

    public static Line From(params IReadOnlyList<Span> spans) => new(spans);

    public static implicit operator Line(string content) => new([new Span(content)]);

    public Line WithAlignment(Alignment alignment) => this with { Alignment = alignment };

    /// <summary>The plain text of all spans.</summary>
    public override string ToString() => string.Concat(Spans.Select(s => s.Content));
}
