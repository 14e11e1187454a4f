namespace TermChat.Tui.Geometry;

/// <summary>A sizing rule for one segment of a <see cref="Layout"/>.</summary>
public readonly record struct Constraint(ConstraintKind Kind, int Value, int Denominator = 1)
{
    /// <summary>Exactly <paramref name="cells"/> cells (less if space runs out).</summary>
    public static Constraint Length(int cells) => new(ConstraintKind.Length, Math.Max(0, cells));

    /// <summary>At least <paramref name="cells"/> cells; grows when no Fill segment takes the remaining space.</summary>
    public static Constraint Min(int cells) => new(ConstraintKind.Min, Math.Max(0, cells));

    public static Constraint Percentage(int percent) => new(ConstraintKind.Percentage, Math.Clamp(percent, 0, 100));

    public static Constraint Ratio(int numerator, int denominator) =>
        denominator <= 0 ? new(ConstraintKind.Ratio, 0, 1) : new(ConstraintKind.Ratio, Math.Clamp(numerator, 0, denominator), denominator);

    /// <summary>Shares the space left after all other constraints, proportionally to <paramref name="weight"/>.</summary>
    public static Constraint Fill(int weight = 1) => new(ConstraintKind.Fill, Math.Max(0, weight));
}
