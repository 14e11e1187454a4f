using TermChat.Client.Transports;
using TermChat.Tui.Backends;

namespace TermChat.Client.LegacyView;

/// <summary>Settings for <see cref="ChatScreen"/>.</summary>
public sealed class ChatScreenOptions
{
    /// <summary>The server.</summary>
    public required ChatEndpoint Endpoint { get; init; }

    /// <summary>The nick to ask for.</summary>
    public required string Nick { get; init; }

    /// <summary>The room to join first (with or without '#'); null joins none.</summary>
    public string? Room { get; init; } = "#lobby";

    /// <summary>"tcp" or "udp".</summary>
    public string Transport { get; init; } = "tcp";

    /// <summary>The transports to use.</summary>
    public TransportRegistry Transports { get; init; } = TransportRegistry.CreateDefault();

    /// <summary>Where the one-line error goes when the server cannot be reached (before the screen is taken over).</summary>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>The terminal; null uses the real one (<see cref="AnsiTerminalBackend"/>).</summary>
    public ITerminalBackend? Backend { get; init; }

    /// <summary>Lines shown as notices when the first room opens (e.g. the addresses others can join).</summary>
    public IReadOnlyList<string> Greeting { get; init; } = [];

    /// <summary>Scrollback kept per room, in lines.</summary>
    public int ScrollbackLines { get; init; } = 5000;

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The time zone for timestamps.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Minimum time between frames (tests set zero).</summary>
    public TimeSpan MinFrameInterval { get; init; } = TimeSpan.FromMilliseconds(16);

    /// <summary>How long the goodbye to the server may take on the way out.</summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
