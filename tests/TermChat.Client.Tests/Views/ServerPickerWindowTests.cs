using System.Net;
using TermChat.Client.Discovery;
using TermChat.Client.Views;
using TermChat.Protocol;
using TermChat.Protocol.Discovery;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace TermChat.Client.Tests.Views;

public sealed class ServerPickerWindowTests : IDisposable
{
    private readonly IApplication _gui = Application.Create();
    private readonly ServerPickerWindow _window = new();
    private readonly SessionToken? _token;

    public ServerPickerWindowTests()
    {
        _gui.Init(DriverRegistry.Names.ANSI);
        _gui.Driver!.SetScreenSize(80, 6);
        _token = _gui.Begin(_window);
    }

    public void Dispose()
    {
        if (_token is not null)
        {
            _gui.End(_token);
        }
        _window.Dispose();
        _gui.Dispose();
    }

    private static DiscoveredServer Server(string name, byte last, ushort port, string mode, uint users, ushort protocol = ProtocolLimits.Version)
    {
        var address = new IPAddress(new byte[] { 192, 168, 1, last });
        return new DiscoveredServer(Guid.NewGuid(), name, "1.0.0", protocol, mode, users, port, 0,
            new AdvertisedAddress[] { new(address, 24) }, new[] { address }, TimeSpan.FromMilliseconds(1));
    }

    private string[] Draw()
    {
        _gui.LayoutAndDraw();
        return _gui.Driver!.ToString()!.Split('\n').Select(l => l.TrimEnd()).ToArray();
    }

    [Fact]
    public void Lists_found_servers_and_enter_chooses_the_selected_one()
    {
        _window.Found(Server("alpha", 10, 7777, "async", 1));
        _window.Found(Server("beta", 20, 7000, "threads", 3));
        _gui.InjectKey(Key.CursorDown);
        string[] lines = Draw();

        Assert.Contains("Choose a server", lines[0], StringComparison.Ordinal);
        Assert.Contains("alpha  192.168.1.10:7777  async  1 user", lines[1], StringComparison.Ordinal);
        Assert.Contains("beta  192.168.1.20:7000  threads  3 users", lines[2], StringComparison.Ordinal);
        Assert.Equal(ServerPickerWindow.Searching, lines[5]);

        _gui.InjectKey(Key.Enter);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.20"), 7000), _window.Chosen);
    }

    [Fact]
    public void A_repeated_answer_updates_its_row_and_another_protocol_is_left_out()
    {
        var alpha = Server("alpha", 10, 7777, "async", 1);
        _window.Found(alpha);
        _window.Found(alpha with { Users = 4 });
        _window.Found(Server("old", 30, 7777, "async", 0, protocol: 0));
        _window.SearchEnded();
        string[] lines = Draw();

        Assert.Single(_window.Servers);
        Assert.Contains("alpha  192.168.1.10:7777  async  4 users", lines[1], StringComparison.Ordinal);
        Assert.Equal("1 server(s) found", lines[5]);
    }

    [Fact]
    public void Says_how_to_go_on_when_the_search_ends_empty()
    {
        _window.SearchEnded();
        string[] lines = Draw();

        Assert.Equal(ServerPickerWindow.NoneFound, lines[5]);
        _gui.InjectKey(Key.Enter);
        Assert.Null(_window.Chosen);
    }

    [Theory]
    [InlineData(KeyCode.Esc)]
    [InlineData(KeyCode.C | KeyCode.CtrlMask)]
    public void Escape_or_ctrl_c_cancels_without_a_choice(KeyCode key)
    {
        _window.Found(Server("alpha", 10, 7777, "async", 1));
        _gui.InjectKey(new Key(key));
        Assert.Null(_window.Chosen);
        Assert.True(_window.StopRequested);
    }
}
