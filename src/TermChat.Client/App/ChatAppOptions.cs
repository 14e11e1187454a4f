namespace TermChat.Client.App;

/// <summary>Settings for <see cref="ChatApp"/>.</summary>
public sealed class ChatAppOptions
{
    /// <summary>Scrollback kept per room.</summary>
    public int ScrollbackLines { get; init; } = 5000;

    /// <summary>The clock for local lines.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Transport names /transport accepts (the registry's names).</summary>
    public IReadOnlyCollection<string> Transports { get; init; } = ["tcp", "udp"];
}
