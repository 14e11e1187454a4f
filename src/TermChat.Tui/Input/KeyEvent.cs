namespace TermChat.Tui.Input;

/// <summary>
/// A key press. For <see cref="KeyCode.Char"/> the typed character is in <see cref="Text"/>
/// (lower-case letter for Ctrl+letter, e.g. Ctrl+A is Char "a" with <see cref="KeyModifiers.Control"/>).
/// </summary>
public sealed record KeyEvent(KeyCode Code, KeyModifiers Modifiers = KeyModifiers.None, string Text = "") : TerminalEvent
{
    public static KeyEvent Char(string text, KeyModifiers modifiers = KeyModifiers.None) => new(KeyCode.Char, modifiers, text);

    public static KeyEvent Ctrl(char letter) => new(KeyCode.Char, KeyModifiers.Control, letter.ToString());

    /// <summary>True for Ctrl+<paramref name="letter"/> without other modifiers.</summary>
    public bool IsCtrl(char letter) => Code == KeyCode.Char && Modifiers == KeyModifiers.Control && Text.Length == 1 && Text[0] == letter;
}
