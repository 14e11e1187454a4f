using System.Globalization;
using System.Net;
using TermChat.Client.Discovery;
using TermChat.Tui.Backends;
using TermChat.Tui.Geometry;
using TermChat.Tui.Input;
using TermChat.Tui.Loop;
using TermChat.Tui.Rendering;
using TermChat.Tui.Text;
using TermChat.Tui.Widgets;

namespace TermChat.Client.LegacyView;

/// <summary>Full-screen picker of servers found by LAN discovery, for `termchat join` without an address.</summary>
public static class ServerPicker
{
    /// <summary>Runs discovery in the background and lets the user choose; returns the endpoint, or null when cancelled. The terminal is restored on return.</summary>
    public static async Task<IPEndPoint?> RunAsync(Func<Action<DiscoveredServer>, CancellationToken, Task> discover, ITerminalBackend? backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(discover);
        var ownBackend = backend is null ? new AnsiTerminalBackend() : null;
        try
        {
            var used = backend ?? ownBackend!;
            var loop = new UiLoop(used, new Renderer(used));
            var app = new ServerPickerApp();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The loop takes the terminal and starts input before its first await; discovery starts after that.
            var run = loop.RunAsync(app, cancellationToken);
            var discovery = Task.Run(async () =>
            {
                try
                {
                    await discover(s => loop.Post(new ServerPickerApp.Found(s)), stop.Token).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A failed search shows as "no servers found"; the user can still cancel.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
                loop.Post(ServerPickerApp.SearchEnded.Instance);
            }, CancellationToken.None);
            try
            {
                // Cancellation ends the loop normally, with the terminal restored.
                await run.ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await discovery.ConfigureAwait(false);
            }
            return app.Chosen;
        }
        finally
        {
            ownBackend?.Dispose();
        }
    }
}

/// <summary>The picker's state and drawing: discovered servers in a list, Enter chooses, Esc or Ctrl+C cancels.</summary>
public sealed class ServerPickerApp : IUiApplication
{
    /// <summary>The text shown when discovery ended without finding a server.</summary>
    public const string NoneFound = "no servers found — start one with 'termchat serve', or give an address";

    /// <summary>The text shown while discovery runs.</summary>
    public const string Searching = "searching…";

    private readonly List<DiscoveredServer> _servers = [];
    private readonly ListState _state = new();

    /// <summary>A server discovery reported (new or updated).</summary>
    public sealed record Found(DiscoveredServer Server);

    /// <summary>Discovery finished.</summary>
    public sealed record SearchEnded
    {
        /// <summary>The one instance.</summary>
        public static readonly SearchEnded Instance = new();
    }

    /// <summary>True while discovery runs.</summary>
    public bool IsSearching { get; private set; } = true;

    /// <summary>The endpoint the user chose, or null.</summary>
    public IPEndPoint? Chosen { get; private set; }

    /// <summary>The servers listed, in discovery order.</summary>
    public IReadOnlyList<DiscoveredServer> Servers => _servers;

    /// <inheritdoc/>
    public void Update(TerminalEvent e, UiLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        switch (e)
        {
            case AppEvent { Message: Found found } when !found.Server.IsCompatible:
                // Speaks another protocol version: joining it would fail.
                break;
            case AppEvent { Message: Found found }:
                int index = _servers.FindIndex(s => s.InstanceId == found.Server.InstanceId);
                if (index >= 0)
                {
                    _servers[index] = found.Server;
                }
                else
                {
                    _servers.Add(found.Server);
                }
                _state.Selected ??= 0;
                break;
            case AppEvent { Message: SearchEnded }:
                IsSearching = false;
                break;
            case KeyEvent { Code: KeyCode.Up }:
                _state.SelectPrevious(_servers.Count);
                break;
            case KeyEvent { Code: KeyCode.Down }:
                _state.SelectNext(_servers.Count);
                break;
            case KeyEvent { Code: KeyCode.Enter } when _state.Selected is int selected && selected < _servers.Count:
                Chosen = _servers[selected].PreferredEndPoint;
                loop.Quit();
                break;
            case KeyEvent { Code: KeyCode.Escape }:
                loop.Quit();
                break;
            case KeyEvent key when key.IsCtrl('c'):
                loop.Quit();
                break;
        }
    }

    /// <inheritdoc/>
    public void Render(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var area = frame.Area;
        if (area.Height < 2)
        {
            return;
        }
        var items = _servers.Select(s => (Line)Describe(s)).ToList();
        var listArea = new Rect(area.X, area.Y, area.Width, area.Height - 1);
        frame.Render(new ListView(items, _state)
        {
            Block = new Block { Title = " Choose a server (Enter: join, Esc: cancel) " },
        }, listArea);
        string status = IsSearching ? Searching : _servers.Count == 0 ? NoneFound : $"{_servers.Count} server(s) found";
        frame.Render(new Paragraph([status]) { Wrap = false }, new Rect(area.X, area.Bottom - 1, area.Width, 1));
    }

    /// <summary>One list row: name, address:port, mode, users.</summary>
    public static string Describe(DiscoveredServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        string users = server.Users == 1 ? "1 user" : server.Users.ToString(CultureInfo.InvariantCulture) + " users";
        return $"{server.Name}  {server.PreferredEndPoint}  {server.Mode}  {users}";
    }
}
