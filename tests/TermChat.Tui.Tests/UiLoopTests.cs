using TermChat.Tui.Backends;
using TermChat.Tui.Editing;
using TermChat.Tui.Input;
using TermChat.Tui.Loop;
using TermChat.Tui.Rendering;
using TermChat.Tui.Widgets;

namespace TermChat.Tui.Tests;

public class UiLoopTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Loop_applies_input_and_posted_messages_then_renders_and_restores()
    {
        var backend = new TestBackend(10, 2);
        var loop = new UiLoop(backend, new Renderer(backend, new RendererOptions()), new UiLoopOptions { MinFrameInterval = TimeSpan.Zero });
        var app = new EchoApp();
        var run = loop.RunAsync(app, CancellationToken.None);

        backend.SendInput("hi\e[D!");
        await app.RenderedEditedText.Task.WaitAsync(s_timeout);
        await Task.Run(() => loop.Post("from network")).WaitAsync(s_timeout);
        loop.Post("quit");
        await run.WaitAsync(s_timeout);

        Assert.Equal("from network", app.LastMessage);
        var frame = loop.Renderer.LastFrame;
        Assert.Equal("h!i", frame[0, 0].Symbol + frame[1, 0].Symbol + frame[2, 0].Symbol);
        Assert.False(backend.IsAlternateScreen);
        Assert.False(backend.IsEntered);
    }

    [Fact]
    public async Task Cancellation_stops_the_loop_cleanly()
    {
        var backend = new TestBackend(5, 1);
        var loop = new UiLoop(backend, new Renderer(backend, new RendererOptions()));
        using var cts = new CancellationTokenSource();
        var run = loop.RunAsync(new EchoApp(), cts.Token);
        await cts.CancelAsync();
        await run.WaitAsync(s_timeout);
        Assert.False(backend.IsEntered);
        Assert.True(backend.CursorVisible);
    }

    [Fact]
    public async Task Resize_events_reach_the_app_and_redraw_fully()
    {
        var backend = new TestBackend(5, 1);
        var loop = new UiLoop(backend, new Renderer(backend, new RendererOptions()), new UiLoopOptions { MinFrameInterval = TimeSpan.Zero });
        var app = new EchoApp();
        var run = loop.RunAsync(app, CancellationToken.None);
        backend.SendInput("ab");
        backend.Resize(7, 2);
        loop.Post("quit");
        await run.WaitAsync(s_timeout);
        Assert.Contains(new ResizeEvent(7, 2), app.Events);
    }

    private sealed class EchoApp : IUiApplication
    {
        public LineEditor Editor { get; } = new();

        public string? LastMessage { get; private set; }

        public List<TerminalEvent> Events { get; } = [];

        public TaskCompletionSource RenderedEditedText { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Update(TerminalEvent e, UiLoop loop)
        {
            Events.Add(e);
            switch (e)
            {
                case KeyEvent key:
                    Editor.HandleKey(key);
                    break;
                case AppEvent { Message: "quit" }:
                    loop.Quit();
                    break;
                case AppEvent { Message: string text }:
                    LastMessage = text;
                    break;
                default:
                    break;
            }
        }

        public void Render(Frame frame)
        {
            frame.Render(new TextInput(Editor, new TextInputState()), frame.Area);
            if (Editor.Text == "h!i")
            {
                RenderedEditedText.TrySetResult();
            }
        }
    }
}
