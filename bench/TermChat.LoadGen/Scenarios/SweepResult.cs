namespace TermChat.LoadGen.Scenarios;

/// <summary>The outcome of a sweep: the best passing trial (null if none passed) and every trial in order.</summary>
public sealed record SweepResult(FanoutResult? Best, IReadOnlyList<FanoutResult> Trials);
