using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace TermChat.Cli;

/// <summary>
/// The version (from Directory.Build.props, the one place it is set) and the commit it was built from (the .NET SDK
/// appends it to the informational version when building in a git checkout).
/// </summary>
internal static class BuildInfo
{
    private static readonly string s_informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The product version, e.g. 0.9.0.</summary>
    public static string Version { get; } = s_informational.Split('+')[0];

    /// <summary>The commit, shortened; "unknown" when built outside a git checkout.</summary>
    public static string Commit { get; } = s_informational.Split('+') is [_, { Length: > 0 } sha, ..] ? sha[..Math.Min(12, sha.Length)] : "unknown";

    /// <summary>What `termchat --version` prints.</summary>
    public static string Line => $"termchat {Version} (commit {Commit})";

    /// <summary>Makes the root command's --version print <see cref="Line"/> instead of the raw informational version.</summary>
    public static void UseFor(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersion();
        }
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Line);
            return 0;
        }
    }
}
