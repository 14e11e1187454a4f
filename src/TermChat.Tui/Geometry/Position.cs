namespace TermChat.Tui.Geometry;

/// <summary>A zero-based terminal cell coordinate.</summary>
public readonly record struct Position(int X, int Y);
