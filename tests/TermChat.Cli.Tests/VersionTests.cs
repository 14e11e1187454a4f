using System.Text.RegularExpressions;

namespace TermChat.Cli.Tests;

/// <summary>`termchat --version` names the exact build: the version from Directory.Build.props and the commit.</summary>
public sealed partial class VersionTests
{
    [Fact]
    public async Task Version_prints_one_line_with_the_version_and_the_commit()
    {
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["--version"]);

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        var match = VersionLine().Match(Assert.Single(stdout));
        Assert.True(match.Success, stdout[0]);
        Assert.Equal(ProductVersion.Version, match.Groups[1].Value);
        Assert.Matches(@"^\d+\.\d+\.\d+", ProductVersion.Version);
    }

    [GeneratedRegex(@"^termchat (\S+)( \(commit [0-9a-f]{7,}\))?$")]
    private static partial Regex VersionLine();
}
