using Xunit;

namespace TermChat.TestKit.Cluster;

/// <summary>
/// A fact that needs a real <c>nats-server</c>. Skipped, with the reason, on a developer's machine without one; under
/// <c>CI=true</c> it always runs, so a CI machine without nats-server fails instead of silently not testing the cluster.
/// </summary>
public sealed class NatsFactAttribute : FactAttribute
{
    public NatsFactAttribute()
    {
        if (NatsServerProcess.ExecutablePath is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "nats-server is not installed (apt-get install nats-server; .ci/run installs it), so the cluster cannot be tested";
        }
    }
}
