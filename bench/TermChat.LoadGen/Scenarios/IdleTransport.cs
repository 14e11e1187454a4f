namespace TermChat.LoadGen.Scenarios;

/// <summary>How <see cref="ConnectionsScenario"/> opens idle sessions on one transport (TCP targets, reliable UDP).</summary>
/// <param name="Target">The target name the result carries.</param>
/// <param name="Parallelism">Sessions opened at once.</param>
/// <param name="Unit">What the scenario's messages call them ("connections", "sessions").</param>
/// <param name="OpenedWord">The progress line's word for an open one ("connected", "welcomed").</param>
/// <param name="Create">Creates the session of a nick; may block and throw (a TCP target connects and registers here).</param>
public sealed record IdleTransport(string Target, int Parallelism, string Unit, string OpenedWord, Func<string, CancellationToken, IIdleSession> Create);
