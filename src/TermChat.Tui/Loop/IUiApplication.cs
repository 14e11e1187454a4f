using TermChat.Tui.Input;
using TermChat.Tui.Rendering;

namespace TermChat.Tui.Loop;

/// <summary>The application driven by a <see cref="UiLoop"/>. Both methods run on the loop, never concurrently.</summary>
public interface IUiApplication
{
    /// <summary>Updates state for one event. Call <see cref="UiLoop.Quit"/> to stop the loop.</summary>
    void Update(TerminalEvent e, UiLoop loop);

    /// <summary>Draws the current state; called at most once per batch of events.</summary>
    void Render(Frame frame);
}
