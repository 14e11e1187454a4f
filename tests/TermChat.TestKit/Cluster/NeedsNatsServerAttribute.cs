namespace TermChat.TestKit.Cluster;

/// <summary>
/// On a test class that runs a shared contract's facts against the cluster: those facts skip (or fail under
/// <c>CI=true</c>) exactly as a <see cref="NatsFactAttribute"/> does when nats-server is missing. The contract marks
/// its facts so that they read this from the class they run in.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class NeedsNatsServerAttribute : Attribute
{
    /// <summary>Why the contract's facts are skipped on this machine, or null when they run.</summary>
    public static string? SkipReason => new NatsFactAttribute().Skip;
}
