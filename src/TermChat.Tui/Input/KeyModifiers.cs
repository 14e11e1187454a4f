namespace TermChat.Tui.Input;

/// <summary>Modifier keys held with a key, as far as the terminal reports them.</summary>
[Flags]
public enum KeyModifiers
{
    None = 0,
    Shift = 1,
    Alt = 2,
    Control = 4,
}
