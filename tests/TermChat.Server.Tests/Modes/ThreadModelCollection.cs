namespace TermChat.Server.Tests.Modes;

/// <summary>
/// Tests that count the process's threads: they run alone, after every parallel test class of this assembly has
/// finished, so no other test's server adds or ends threads while they count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadModelCollection
{
    public const string Name = "Thread model (runs alone)";
}
