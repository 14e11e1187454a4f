using System.Net;

namespace TermChat.LoadGen.Scenarios;

/// <summary>Settings of one fan-out run.</summary>
public sealed record FanoutOptions
{
    /// <summary>The server.</summary>
    public required EndPoint Endpoint { get; init; }

    /// <summary>
    /// Where the subscribers connect, taken in turn (the nodes of a cluster, so that deliveries cross nodes); empty
    /// means <see cref="Endpoint"/>. Publishers always use <see cref="Endpoint"/>.
    /// </summary>
    public IReadOnlyList<EndPoint> SubscriberEndpoints { get; init; } = [];

    /// <summary>Receiving clients in the room.</summary>
    public int Subscribers { get; init; } = 100;

    /// <summary>Sending clients.</summary>
    public int Publishers { get; init; } = 1;

    /// <summary>Offered messages per second, all publishers together (each is delivered to every subscriber).</summary>
    public double Rate { get; init; } = 10_000;

    /// <summary>Measured time.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time before the measured part; its messages are checked for loss but not timed.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for stragglers after the last send.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest wait for stragglers after the last send; later deliveries count as lost.</summary>
    public TimeSpan MaxDrain { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes of message text.</summary>
    public int TextBytes { get; init; } = 48;

    /// <summary>How often the receiving thread reads the subscribers (at most this much delay added per message).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMicroseconds(500);

    /// <summary>Server process for CPU accounting, if known.</summary>
    public int? ServerPid { get; init; }
}
