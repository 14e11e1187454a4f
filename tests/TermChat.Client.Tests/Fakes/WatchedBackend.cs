using System.Threading.Channels;
using TermChat.Tui.Backends;
using TermChat.Tui.Geometry;
using TermChat.Tui.Input;

namespace TermChat.Client.Tests.Fakes;

/// <summary>A <see cref="TestBackend"/> that lets a test wait for the frame showing what it expects.</summary>
internal sealed class WatchedBackend(int width, int height) : ITerminalBackend
{
    private readonly Channel<string[]> _frames = Channel.CreateUnbounded<string[]>();

    public TestBackend Inner { get; } = new(width, height);

    public TerminalSize Size => Inner.Size;

    public void Write(string text) => Inner.Write(text);

    public void Write(ReadOnlySpan<byte> bytes) => Inner.Write(bytes);

    /// <summary>Makes the next frame's flush throw, as a terminal that went away would.</summary>
    public bool FailNextFlush { get; set; }

    public void Flush()
    {
        if (FailNextFlush && Inner.IsAlternateScreen)
        {
            FailNextFlush = false;
            throw new IOException("the terminal went away");
        }
        Inner.Flush();
        if (Inner.IsAlternateScreen)
        {
            _frames.Writer.TryWrite(Inner.Lines);
        }
    }

    public void Enter() => Inner.Enter();

    public void Leave() => Inner.Leave();

    public void StartInput(Action<TerminalEvent> onEvent) => Inner.StartInput(onEvent);

    public void StopInput() => Inner.StopInput();

    /// <summary>Waits for a frame whose text satisfies <paramref name="match"/> and returns it.</summary>
    public async Task<string[]> WaitForFrameAsync(Func<string[], bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(timeout.Token);
            if (match(frame))
            {
                return frame;
            }
        }
    }
}
