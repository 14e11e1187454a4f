using System.Net;
using TermChat.Client.Discovery;
using TermChat.Client.LegacyView;
using TermChat.Protocol;
using TermChat.Protocol.Discovery;
using TermChat.Tui.Backends;
using TermChat.Tui.Input;
using TermChat.Tui.Loop;
using TermChat.Tui.Rendering;

namespace TermChat.Client.Tests.View;

public sealed class ServerPickerTests
{
    private readonly ServerPickerApp _app = new();
    private readonly TestBackend _backend = new(80, 6);
    private readonly Renderer _renderer;
    private readonly UiLoop _loop;

    public ServerPickerTests()
    {
        _renderer = new Renderer(_backend, new RendererOptions { NoColor = true });
        _loop = new UiLoop(_backend, _renderer);
        _renderer.Enter();
    }

    private static DiscoveredServer Server(string name, byte last, ushort port, string mode, uint users, ushort protocol = ProtocolLimits.Version)
    {
        var address = new IPAddress(new byte[] { 192, 168, 1, last });
        return new DiscoveredServer(Guid.NewGuid(), name, "1.0.0", protocol, mode, users, port, 0,
            new AdvertisedAddress[] { new(address, 24) }, new[] { address }, TimeSpan.FromMilliseconds(1));
    }

    private void Found(DiscoveredServer server) => _app.Update(new AppEvent(new ServerPickerApp.Found(server)), _loop);

    private void Ended() => _app.Update(new AppEvent(ServerPickerApp.SearchEnded.Instance), _loop);

    private string[] Draw()
    {
        _renderer.Draw(_app.Render);
        return _backend.Lines.Select(l => l.TrimEnd()).ToArray();
    }

    [Fact]
    public void Lists_found_servers_and_enter_chooses_the_selected_one()
    {
        Found(Server("alpha", 10, 7777, "async", 1));
        Found(Server("beta", 20, 7000, "threads", 3));
        _app.Update(new KeyEvent(KeyCode.Down), _loop);
        string[] lines = Draw();

        Assert.Contains("Choose a server", lines[0], StringComparison.Ordinal);
        Assert.Equal("│  alpha  192.168.1.10:7777  async  1 user", lines[1].TrimEnd('│').TrimEnd());
        Assert.Equal("│> beta  192.168.1.20:7000  threads  3 users", lines[2].TrimEnd('│').TrimEnd());
        Assert.Equal("searching…", lines[5]);

        _app.Update(new KeyEvent(KeyCode.Enter), _loop);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.20"), 7000), _app.Chosen);
    }

    [Fact]
    public void Says_how_to_go_on_when_the_search_ends_empty()
    {
        Found(Server("old", 30, 7777, "async", 0, protocol: 0));
        Ended();
        string[] lines = Draw();

        Assert.Equal(ServerPickerApp.NoneFound, lines[5]);
        Assert.Equal("no servers found — start one with 'termchat serve', or give an address", ServerPickerApp.NoneFound);
        _app.Update(new KeyEvent(KeyCode.Enter), _loop);
        Assert.Null(_app.Chosen);
    }

    [Fact]
    public void Escape_cancels_without_a_choice()
    {
        Found(Server("alpha", 10, 7777, "async", 1));
        _app.Update(new KeyEvent(KeyCode.Escape), _loop);
        Assert.Null(_app.Chosen);
    }

    [Fact]
    public async Task RunAsync_returns_the_chosen_endpoint_and_restores_the_terminal()
    {
        var backend = new TestBackend(80, 6);
        var chosen = await ServerPicker.RunAsync((found, _) =>
        {
            found(Server("alpha", 10, 7777, "async", 1));
            found(Server("beta", 20, 7000, "threads", 3));
            backend.SendInput("\u001b[B\r");
            return Task.CompletedTask;
        }, backend, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.20"), 7000), chosen);
        Assert.False(backend.IsEntered);
        Assert.False(backend.IsAlternateScreen);
    }

    [Fact]
    public async Task RunAsync_returns_null_on_ctrl_c_and_restores_the_terminal()
    {
        var backend = new TestBackend(80, 6);
        var chosen = await ServerPicker.RunAsync((_, _) =>
        {
            backend.SendInput("\u0003");
            return Task.CompletedTask;
        }, backend, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(chosen);
        Assert.False(backend.IsEntered);
    }
}
