namespace TermChat.Client.Views.Text;

/// <summary>One screen row of styled spans.</summary>
/// <param name="Spans">The spans, left to right.</param>
public sealed record StyledLine(IReadOnlyList<Span> Spans)
{
    /// <summary>A row with nothing on it.</summary>
    public static StyledLine Empty { get; } = new([]);

    /// <summary>Columns the row takes.</summary>
    public int Width => Spans.Sum(s => s.Width);

    /// <summary>The plain text of all spans.</summary>
    public override string ToString() => string.Concat(Spans.Select(s => s.Content));
}
