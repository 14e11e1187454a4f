namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A fact that needs real programs nobody here wrote (tmux and irssi, nc): reported as skipped, with the reason, where one
/// is not installed on a developer's machine; under <c>CI=true</c> it always runs, so a CI machine without them fails
/// instead of silently not testing (.ci/run installs them).
/// </summary>
internal sealed class ProgramFactAttribute : FactAttribute
{
    public ProgramFactAttribute(params string[] programs)
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "the real-client end-to-end tests need Unix programs";
            return;
        }
        if (Environment.GetEnvironmentVariable("CI") == "true") return;
        var missing = programs.Where(program => Tmux.FindOnPath(program) is null).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"{string.Join(" and ", missing)} not installed (.ci/run installs them with apt-get), so this end-to-end test cannot run";
        }
    }
}
