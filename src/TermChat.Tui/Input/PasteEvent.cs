namespace TermChat.Tui.Input;

/// <summary>Text pasted by the user (bracketed paste), delivered whole; line breaks are normalised to '\n'.</summary>
public sealed record PasteEvent(string Text) : TerminalEvent;
