namespace TermChat.Tui.Input;

/// <summary>Base of everything the UI loop reacts to: input, resizes, ticks and application messages.</summary>
public abstract record TerminalEvent;
