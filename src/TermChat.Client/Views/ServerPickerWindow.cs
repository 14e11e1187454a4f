using System.Collections.ObjectModel;
using System.Globalization;
using System.Net;
using TermChat.Client.Discovery;
using TermChat.Protocol.Text;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace TermChat.Client.Views;

/// <summary>
/// The server picker for `termchat join` without an address: servers found by LAN discovery in a list, filled in
/// as they answer (a server speaking another protocol version is left out, a repeated answer updates its row).
/// Enter joins the selected one; Esc or Ctrl+C cancels.
/// </summary>
public sealed class ServerPickerWindow : Runnable
{
    /// <summary>The text shown when discovery ended without finding a server.</summary>
    public const string NoneFound = "no servers found — start one with 'termchat serve', or give an address";

    /// <summary>The text shown while discovery runs.</summary>
    public const string Searching = "searching…";

    private readonly List<DiscoveredServer> _servers = [];
    private readonly ObservableCollection<string> _rows = [];
    private readonly ListView _list;
    private readonly Label _status;

    /// <summary>Creates the picker, empty and searching.</summary>
    public ServerPickerWindow()
    {
        Width = Dim.Fill();
        Height = Dim.Fill();
        var frame = new FrameView { Title = "Choose a server (Enter: join, Esc: cancel)", X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(1) };
        _list = new ListView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        _list.SetSource(_rows);
        frame.Add(_list);
        _status = new Label { X = 0, Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Text = Searching };
        Add(frame, _status);
        _list.Accepting += (_, e) =>
        {
            e.Handled = Choose();
        };
        KeyBindings.Remove(Key.Esc);
        KeyBindings.Remove(Key.C.WithCtrl);
        AddCommand(Command.Quit, () =>
        {
            RequestStop();
            return true;
        });
        KeyBindings.Add(Key.Esc, Command.Quit);
        KeyBindings.Add(Key.C.WithCtrl, Command.Quit);
        _list.SetFocus();
    }

    /// <summary>True while discovery runs.</summary>
    public bool IsSearching { get; private set; } = true;

    /// <summary>The endpoint the user chose, or null.</summary>
    public IPEndPoint? Chosen { get; private set; }

    /// <summary>The servers listed, in discovery order.</summary>
    public IReadOnlyList<DiscoveredServer> Servers => _servers;

    /// <summary>A server discovery reported (new or updated); call on the UI thread.</summary>
    public void Found(DiscoveredServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.IsCompatible)
        {
            // Speaks another protocol version: joining it would fail.
            return;
        }
        int index = _servers.FindIndex(s => s.InstanceId == server.InstanceId);
        if (index >= 0)
        {
            _servers[index] = server;
            _rows[index] = Describe(server);
        }
        else
        {
            _servers.Add(server);
            _rows.Add(Describe(server));
            _list.SelectedItem ??= 0;
        }
        UpdateStatus();
    }

    /// <summary>Discovery finished; call on the UI thread.</summary>
    public void SearchEnded()
    {
        IsSearching = false;
        UpdateStatus();
    }

    /// <summary>One list row: name, address:port, mode, users (peer text sanitized).</summary>
    public static string Describe(DiscoveredServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        string users = server.Users == 1 ? "1 user" : server.Users.ToString(CultureInfo.InvariantCulture) + " users";
        return TextSanitizer.Sanitize($"{server.Name}  {server.PreferredEndPoint}  {server.Mode}  {users}", LineBreaks.Space, TextTarget.CellGrid);
    }

    private bool Choose()
    {
        if (_list.SelectedItem is not int selected || selected >= _servers.Count)
        {
            return true;
        }
        Chosen = _servers[selected].PreferredEndPoint;
        RequestStop();
        return true;
    }

    private void UpdateStatus()
    {
        _status.Text = IsSearching ? Searching : _servers.Count == 0 ? NoneFound : $"{_servers.Count.ToString(CultureInfo.InvariantCulture)} server(s) found";
        SetNeedsDraw();
    }
}
