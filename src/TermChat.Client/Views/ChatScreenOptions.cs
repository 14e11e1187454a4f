using TermChat.Client.Transports;
using Terminal.Gui.App;

namespace TermChat.Client.Views;

/// <summary>Settings for <see cref="ChatScreen"/>.</summary>
public sealed class ChatScreenOptions
{
    /// <summary>The server.</summary>
    public required ChatEndpoint Endpoint { get; init; }

    /// <summary>Further servers of the same cluster, tried in turn (see <see cref="Session.ClientSessionOptions.OtherEndpoints"/>).</summary>
    public IReadOnlyList<ChatEndpoint> OtherEndpoints { get; init; } = [];

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

    /// <summary>Lines shown as notices when the first room opens (e.g. the addresses others can join).</summary>
    public IReadOnlyList<string> Greeting { get; init; } = [];

    /// <summary>Scrollback kept per room, in lines; older lines are dropped, so memory stays bounded.</summary>
    public int ScrollbackLines { get; init; } = 5000;

    /// <summary>The Terminal.Gui theme by name (see <see cref="Themes"/>); null keeps the configured one.</summary>
    public string? Theme { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The time zone for timestamps.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>How long the goodbye to the server may take on the way out.</summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Called on the UI thread once the window has been created, before it runs; runner tests reach the application (keys, screen) through it.</summary>
    internal Action<IApplication>? Started { get; init; }
}
