namespace TermChat.Tui.Geometry;

/// <summary>How a <see cref="Constraint"/> sizes its segment.</summary>
public enum ConstraintKind
{
    Length,
    Min,
    Percentage,
    Ratio,
    Fill,
}
