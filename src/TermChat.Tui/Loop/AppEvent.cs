using TermChat.Tui.Input;

namespace TermChat.Tui.Loop;

/// <summary>An application message posted to the loop with <see cref="UiLoop.Post"/> from any thread.</summary>
public sealed record AppEvent(object Message) : TerminalEvent;
