using Terminal.Gui.App;

namespace TermChat.Client.Views;

/// <summary>
/// Hands work from other threads to the Terminal.Gui UI thread (<see cref="IApplication.Invoke(Action)"/>) until
/// <see cref="Close"/>; after that, posts are dropped, so nothing redraws once the application is shutting down.
/// </summary>
internal sealed class UiPost(IApplication gui)
{
    private readonly Lock _lock = new();
    private bool _closed;

    /// <summary>Runs <paramref name="action"/> on the UI thread, unless closed.</summary>
    public void Post(Action action)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                gui.Invoke(action);
            }
        }
    }

    /// <summary>Drops every later post.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
    }
}
