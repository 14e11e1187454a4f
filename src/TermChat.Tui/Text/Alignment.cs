namespace TermChat.Tui.Text;

/// <summary>Horizontal placement of a line inside its area.</summary>
public enum Alignment
{
    Left,
    Center,
    Right,
}
