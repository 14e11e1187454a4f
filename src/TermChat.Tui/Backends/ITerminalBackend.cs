using TermChat.Tui.Geometry;
using TermChat.Tui.Input;

namespace TermChat.Tui.Backends;

/// <summary>The terminal seen by the renderer and the UI loop: output, size, mode switching and input.</summary>
public interface ITerminalBackend
{
    TerminalSize Size { get; }

    void Write(string text);

    void Write(ReadOnlySpan<byte> bytes);

    void Flush();

    /// <summary>Raw mode, alternate screen, hidden cursor, bracketed paste.</summary>
    void Enter();

    /// <summary>Undoes <see cref="Enter"/>; idempotent.</summary>
    void Leave();

    /// <summary>
    /// Starts delivering decoded input and resize events to <paramref name="onEvent"/>, which may be
    /// called from another thread.
    /// </summary>
    void StartInput(Action<TerminalEvent> onEvent);

    void StopInput();
}
