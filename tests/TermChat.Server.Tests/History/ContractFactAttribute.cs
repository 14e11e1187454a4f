using Xunit;
using Xunit.Sdk;

namespace TermChat.Server.Tests.History;

/// <summary>
/// A fact of a shared contract (<see cref="RoomLogContract"/>): it runs in every class deriving the contract, and is
/// skipped with the reason in a class marked <see cref="TermChat.TestKit.Cluster.NeedsNatsServerAttribute"/> on a
/// machine without nats-server. A plain <see cref="FactAttribute"/> on the base class cannot know which class it runs in.
/// </summary>
[XunitTestCaseDiscoverer("TermChat.Server.Tests.History.ContractFactDiscoverer", "TermChat.Server.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;
