using System.Threading.Channels;
using TermChat.Client.Session;
using Terminal.Gui.App;

namespace TermChat.Client.Views;

/// <summary>
/// Applies session events to the window on the UI thread at the start of every main-loop iteration
/// (<see cref="IApplication.Iteration"/>), before Terminal.Gui reads keys and draws. A line that arrived is drawn
/// by the same iteration, and nothing has to wake a thread-pool worker to hand it over: a pump posting through
/// <see cref="IApplication.Invoke(Action)"/> ran its batch after the iteration's drawing, so each line waited
/// one more frame, and cost a hand-off per batch. The session's event queue is bounded, so while the UI thread
/// is behind, the session stops reading the server (backpressure).
/// </summary>
internal sealed class EventDrain(ChannelReader<SessionEvent> events, ChatWindow window)
{
    /// <summary>At most this many events per iteration, so keys and frames keep their turn during a flood.</summary>
    public const int MaxPerIteration = 512;

    private bool _ended;

    /// <summary>The <see cref="IApplication.Iteration"/> handler.</summary>
    public void OnIteration(object? sender, EventArgs<IApplication?> e) => Drain();

    /// <summary>Applies what is waiting (up to <see cref="MaxPerIteration"/>); ends the window once the session's queue is closed and empty.</summary>
    public void Drain()
    {
        for (int i = 0; i < MaxPerIteration && !_ended && events.TryRead(out var item); i++)
        {
            window.ApplySessionEvent(item);
        }
        if (!_ended && events.Completion.IsCompleted)
        {
            _ended = true;
            window.SessionEnded();
        }
    }
}
