using System.Reflection;

namespace TermChat.Cli;

/// <summary>
/// The product version, set in one place (Directory.Build.props), and the commit it was built from, which the
/// SDK appends to the informational version ("0.3.0+&lt;sha&gt;") when the build runs in a git checkout.
/// </summary>
internal static class ProductVersion
{
    private static readonly string s_informational =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The semantic version, e.g. 0.3.0.</summary>
    public static string Version { get; } = s_informational.Split('+')[0];

    /// <summary>The short commit id, or null when the build did not come from a git checkout.</summary>
    public static string? Commit { get; } = s_informational.Split('+') is [_, var sha, ..] && sha.Length > 0 ? sha[..Math.Min(12, sha.Length)] : null;

    /// <summary>What `termchat --version` prints: "termchat 0.3.0 (commit 25d2652d9904)".</summary>
    public static string Display => Commit is null ? $"termchat {Version}" : $"termchat {Version} (commit {Commit})";
}
