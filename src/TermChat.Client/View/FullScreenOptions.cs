using TermChat.Client.Transports;
using TermChat.Tui.Backends;

namespace TermChat.Client.View;

/// <summary>Settings for <see cref="FullScreenClient"/>.</summary>
public sealed class FullScreenOptions
{
    /// <summary>The server.</summary>
    public required ChatEndpoint Endpoint { get; init; }

    /// <summary>The nick to ask for.</summary>
    public required string Nick { get; init; }

    /// <summary>A room to join and show first; null shows where the server puts a new session.</summary>
    public string? Room { get; init; }

    /// <summary>"tcp" or "udp".</summary>
    public string Transport { get; init; } = "tcp";

    /// <summary>The terminal; tests pass a TestBackend. Null uses the real terminal.</summary>
    public ITerminalBackend? Backend { get; init; }

    /// <summary>Where the one-line connection error goes (the screen is not taken until connected).</summary>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>The transports to use.</summary>
    public TransportRegistry Transports { get; init; } = TransportRegistry.CreateDefault();

    /// <summary>Frames no closer than this; tests use zero.</summary>
    public TimeSpan MinFrameInterval { get; init; } = TimeSpan.FromMilliseconds(16);
}
