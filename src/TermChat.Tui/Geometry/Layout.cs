namespace TermChat.Tui.Geometry;

/// <summary>
/// Splits a <see cref="Rect"/> into consecutive segments along one axis. Fixed constraints
/// (Length, Min, Percentage, Ratio) are honoured first in order; when the area is too small the
/// later segments shrink. Remaining space goes to Fill segments by weight, else to Min segments.
/// </summary>
public sealed class Layout
{
    private readonly Constraint[] _constraints;

    public Layout(Direction direction, params IReadOnlyList<Constraint> constraints)
    {
        Direction = direction;
        _constraints = [.. constraints];
    }

    public Direction Direction { get; }

    public static Layout Vertical(params IReadOnlyList<Constraint> constraints) => new(Direction.Vertical, constraints);

    public static Layout Horizontal(params IReadOnlyList<Constraint> constraints) => new(Direction.Horizontal, constraints);

    public Rect[] Split(Rect area)
    {
        var total = Direction == Direction.Horizontal ? area.Width : area.Height;
        var sizes = ComputeSizes(total);
        var result = new Rect[sizes.Length];
        var offset = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            result[i] = Direction == Direction.Horizontal
                ? new Rect(area.X + offset, area.Y, sizes[i], area.Height)
                : new Rect(area.X, area.Y + offset, area.Width, sizes[i]);
            offset += sizes[i];
        }

        return result;
    }

    private int[] ComputeSizes(int total)
    {
        var sizes = new int[_constraints.Length];
        var remaining = total;
        for (var i = 0; i < _constraints.Length; i++)
        {
            var c = _constraints[i];
            var wanted = c.Kind switch
            {
                ConstraintKind.Length or ConstraintKind.Min => c.Value,
                ConstraintKind.Percentage => (int)((long)total * c.Value / 100),
                ConstraintKind.Ratio => (int)((long)total * c.Value / c.Denominator),
                _ => 0,
            };
            sizes[i] = Math.Min(wanted, remaining);
            remaining -= sizes[i];
        }

        if (remaining > 0)
        {
            var receivers = _constraints.Any(c => c.Kind == ConstraintKind.Fill) ? ConstraintKind.Fill : ConstraintKind.Min;
            Distribute(sizes, remaining, receivers);
        }

        return sizes;
    }

    private void Distribute(int[] sizes, int space, ConstraintKind receivers)
    {
        long totalWeight = 0;
        var last = -1;
        for (var i = 0; i < _constraints.Length; i++)
        {
            if (_constraints[i].Kind == receivers)
            {
                totalWeight += receivers == ConstraintKind.Fill ? _constraints[i].Value : 1;
                last = i;
            }
        }

        if (last < 0 || totalWeight == 0)
        {
            return;
        }

        var given = 0;
        for (var i = 0; i < _constraints.Length; i++)
        {
            if (_constraints[i].Kind != receivers)
            {
                continue;
            }

            var weight = receivers == ConstraintKind.Fill ? _constraints[i].Value : 1;
            // The last receiver takes the rounding remainder so the segments tile the area exactly.
            var share = i == last ? space - given : (int)(space * weight / totalWeight);
            sizes[i] += share;
            given += share;
        }
    }
}
