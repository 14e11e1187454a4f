using TermChat.TestKit.Cluster;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TermChat.Server.Tests.History;

/// <summary>Makes each <see cref="ContractFactAttribute"/> fact a normal test case, or a skipped one where the class it runs in needs what is missing.</summary>
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var type = testMethod.TestClass.Class.ToRuntimeType();
        string? skip = type?.IsDefined(typeof(NeedsNatsServerAttribute), inherit: true) == true ? NeedsNatsServerAttribute.SkipReason : null;
        return skip is null
            ? base.CreateTestCase(discoveryOptions, testMethod, factAttribute)
            : new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod, skip);
    }
}
