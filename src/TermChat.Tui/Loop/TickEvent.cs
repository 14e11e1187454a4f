using TermChat.Tui.Input;

namespace TermChat.Tui.Loop;

/// <summary>A periodic timer tick (see <see cref="UiLoopOptions.TickInterval"/>).</summary>
public sealed record TickEvent(DateTimeOffset Time) : TerminalEvent;
