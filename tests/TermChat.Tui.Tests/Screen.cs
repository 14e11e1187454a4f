using TermChat.Tui.Backends;
using TermChat.Tui.Rendering;

namespace TermChat.Tui.Tests;

/// <summary>A TestBackend with a colour renderer already on the alternate screen.</summary>
internal sealed class Screen
{
    public Screen(int width, int height, bool noColor = false)
    {
        Backend = new TestBackend(width, height);
        Renderer = new Renderer(Backend, new RendererOptions { NoColor = noColor });
        Renderer.Enter();
    }

    public TestBackend Backend { get; }

    public Renderer Renderer { get; }

    public string[] Lines => Backend.Lines;

    /// <summary>Draws a frame and returns what was written for it ("" when nothing was).</summary>
    public string Draw(Action<Frame> draw)
    {
        var before = Backend.Writes.Count;
        Renderer.Draw(draw);
        return string.Concat(Backend.Writes.Skip(before));
    }
}
