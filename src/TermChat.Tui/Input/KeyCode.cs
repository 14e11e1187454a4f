namespace TermChat.Tui.Input;

/// <summary>The key of a <see cref="KeyEvent"/>; printable input is <see cref="Char"/> with the text in <see cref="KeyEvent.Text"/>.</summary>
public enum KeyCode
{
    Char,
    Enter,
    Tab,
    BackTab,
    Backspace,
    Escape,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Insert,
    Delete,
    F1,
    F2,
    F3,
    F4,
    F5,
    F6,
    F7,
    F8,
    F9,
    F10,
    F11,
    F12,
}
