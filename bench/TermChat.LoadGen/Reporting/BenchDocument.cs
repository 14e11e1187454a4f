using TermChat.LoadGen.Scenarios;

namespace TermChat.LoadGen.Reporting;

/// <summary>
/// One invocation of <c>termchat bench</c> as JSON: the scenario, a label naming what was measured
/// (e.g. "termchat-async", "ngircd"), the target protocol, and the results of that scenario.
/// </summary>
public sealed record BenchDocument
{
    /// <summary>fanout, pingpong, connections or udp.</summary>
    public required string Scenario { get; init; }

    /// <summary>What was measured (defaults to the target name).</summary>
    public required string Label { get; init; }

    /// <summary>The target protocol.</summary>
    public required string Target { get; init; }

    /// <summary>Fan-out runs (one, or a sweep's trials in order).</summary>
    public IReadOnlyList<FanoutResult>? Fanout { get; init; }

    /// <summary>A sweep's best passing trial.</summary>
    public FanoutResult? Best { get; init; }

    /// <summary>True when this was a sweep.</summary>
    public bool? Sweep { get; init; }

    /// <summary>Ping-pong result.</summary>
    public PingPongResult? PingPong { get; init; }

    /// <summary>Connections result.</summary>
    public ConnectionsResult? Connections { get; init; }

    /// <summary>Reliable UDP result.</summary>
    public UdpResult? Udp { get; init; }
}
