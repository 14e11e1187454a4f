using System.Net;
using TermChat.Client.Discovery;
using Terminal.Gui.App;

namespace TermChat.Client.Views;

/// <summary>Runs the full-screen <see cref="ServerPickerWindow"/> while LAN discovery runs in the background.</summary>
public static class ServerPicker
{
    /// <summary>Lets the user choose a discovered server; the terminal is restored on return.</summary>
    /// <returns>The endpoint, or null when cancelled.</returns>
    public static async Task<IPEndPoint?> RunAsync(Func<Action<DiscoveredServer>, CancellationToken, Task> discover, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(discover);
        using var gui = Application.Create();
        gui.Init();
        var ui = new UiPost(gui);
        using var window = new ServerPickerWindow();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var discovery = Task.Run(async () =>
        {
            try
            {
                await discover(s => ui.Post(() => window.Found(s)), stop.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed search shows as "no servers found"; the user can still cancel.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            ui.Post(window.SearchEnded);
        }, CancellationToken.None);
        using var stopOnCancel = cancellationToken.Register(() => ui.Post(window.RequestStop));
        try
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                gui.Run(window);
            }
        }
        finally
        {
            ui.Close();
            await stop.CancelAsync().ConfigureAwait(false);
            await discovery.ConfigureAwait(false);
            gui.Driver?.ClearContents();
            gui.Driver?.Refresh();
        }
        return window.Chosen;
    }
}
