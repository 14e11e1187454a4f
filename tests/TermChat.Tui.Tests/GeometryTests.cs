using FsCheck;
using FsCheck.Fluent;
using TermChat.Tui.Geometry;

namespace TermChat.Tui.Tests;

public class GeometryTests
{
    [Fact]
    public void Inner_saturates_instead_of_going_negative()
    {
        var inner = new Rect(0, 0, 1, 1).Inner(2);
        Assert.True(inner.IsEmpty);
        Assert.Equal(0, inner.Width);
    }

    [Fact]
    public void Negative_sizes_are_clamped() => Assert.Equal(new Rect(0, 0, 0, 0), new Rect(-5, -5, -3, -3));

    [Fact]
    public void Intersect_of_disjoint_rects_is_empty() => Assert.True(new Rect(0, 0, 2, 2).Intersect(new Rect(5, 5, 2, 2)).IsEmpty);

    [Fact]
    public void Splits_never_exceed_the_area()
    {
        var (top, rest) = new Rect(0, 0, 10, 3).SplitTop(5);
        Assert.Equal(new Rect(0, 0, 10, 3), top);
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void Layout_gives_fill_the_remaining_space()
    {
        var rows = Layout.Vertical(Constraint.Length(1), Constraint.Fill(), Constraint.Length(1)).Split(new Rect(0, 0, 20, 10));
        Assert.Equal([new Rect(0, 0, 20, 1), new Rect(0, 1, 20, 8), new Rect(0, 9, 20, 1)], rows);
    }

    [Fact]
    public void Layout_splits_percentages_and_min_horizontally()
    {
        var cols = Layout.Horizontal(Constraint.Percentage(25), Constraint.Min(5)).Split(new Rect(0, 0, 40, 2));
        Assert.Equal([new Rect(0, 0, 10, 2), new Rect(10, 0, 30, 2)], cols);
    }

    [Fact]
    public void Layout_distributes_fill_by_weight_and_tiles_exactly()
    {
        var cols = Layout.Horizontal(Constraint.Fill(1), Constraint.Fill(2), Constraint.Ratio(1, 4)).Split(new Rect(0, 0, 11, 1));
        Assert.Equal(11, cols.Sum(c => c.Width));
        Assert.Equal(2, cols[2].Width);
        Assert.Equal(3, cols[0].Width);
    }

    [Fact]
    public void Layout_shrinks_later_segments_when_space_runs_out()
    {
        var rows = Layout.Vertical(Constraint.Length(3), Constraint.Length(3)).Split(new Rect(0, 0, 5, 4));
        Assert.Equal(3, rows[0].Height);
        Assert.Equal(1, rows[1].Height);
    }

    [Fact]
    public void Layout_never_throws_and_stays_inside_the_area()
    {
        Prop.ForAll<int, int, int>((w, h, a) =>
        {
            var area = new Rect(0, 0, Math.Abs(w % 200), Math.Abs(h % 200));
            var parts = Layout.Vertical(Constraint.Length(a), Constraint.Percentage(a / 3), Constraint.Min(a), Constraint.Fill(a / 7)).Split(area);
            return parts.All(p => p.Intersect(area) == p || p.IsEmpty) && parts.Sum(p => p.Height) <= area.Height;
        }).QuickCheckThrowOnFailure();
    }
}
