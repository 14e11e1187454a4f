using TermChat.Client.Transports;

namespace TermChat.Client.Plain;

/// <summary>Settings for <see cref="PlainMode"/>.</summary>
public sealed class PlainModeOptions
{
    /// <summary>The server.</summary>
    public required ChatEndpoint Endpoint { get; init; }

    /// <summary>Further servers of the same cluster, tried in turn (see <see cref="Session.ClientSessionOptions.OtherEndpoints"/>).</summary>
    public IReadOnlyList<ChatEndpoint> OtherEndpoints { get; init; } = [];

    /// <summary>The nick to ask for.</summary>
    public required string Nick { get; init; }

    /// <summary>The room to join and talk to first (with or without '#'); null stays where the server puts a new session (#lobby).</summary>
    public string? Room { get; init; }

    /// <summary>"tcp" or "udp".</summary>
    public string Transport { get; init; } = "tcp";

    /// <summary>One JSON object per line instead of readable lines.</summary>
    public bool Json { get; init; }

    /// <summary>Lines to send; each is a message to the current room or a /command.</summary>
    public required TextReader Input { get; init; }

    /// <summary>Where events go.</summary>
    public required TextWriter Output { get; init; }

    /// <summary>Where errors go in text mode (JSON mode writes them to <see cref="Output"/> as "error" objects).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Lines waiting for a slow <see cref="Output"/> before the client stops reading the server.</summary>
    public int OutputCapacity { get; init; } = 1024;

    /// <summary>Reconnect attempts before giving up; a script should not hang for ever on a dead server.</summary>
    public int MaxReconnectAttempts { get; init; } = 6;

    /// <summary>The transports to use; the default has TCP (and UDP once registered).</summary>
    public TransportRegistry Transports { get; init; } = TransportRegistry.CreateDefault();

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The time zone for readable timestamps; JSON always uses UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;
}
