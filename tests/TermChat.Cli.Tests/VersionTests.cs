using System.Reflection;

namespace TermChat.Cli.Tests;

/// <summary>`termchat --version`: the version set once in Directory.Build.props, and the commit.</summary>
public sealed class VersionTests
{
    [Fact]
    public async Task Version_prints_the_product_version_and_the_commit_it_was_built_from()
    {
        // The tests are built from the same Directory.Build.props and checkout as termchat.
        string[] informational = typeof(VersionTests).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+');
        string commit = informational.Length > 1 ? informational[1][..Math.Min(12, informational[1].Length)] : "unknown";

        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["--version"]);

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Equal([$"termchat {informational[0]} (commit {commit})"], stdout);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$", informational[0]);
        Assert.NotEqual("1.0.0", informational[0]); // the SDK's default: the version was not set in Directory.Build.props
    }
}
