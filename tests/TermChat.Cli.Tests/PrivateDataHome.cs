using System.Runtime.CompilerServices;

namespace TermChat.Cli.Tests;

/// <summary>
/// Servers started by these tests (in process, or as child processes and in tmux, which inherit the environment)
/// keep history under <c>$XDG_DATA_HOME</c> by default, and clients keep pinned server keys and their own key under
/// <c>$XDG_CONFIG_HOME</c>: every test run gets its own of both, so none sees another's history or pins and none
/// writes to the user's.
/// </summary>
internal static class PrivateDataHome
{
    [ModuleInitializer]
    internal static void Use()
    {
        if (Environment.GetEnvironmentVariable("TERMCHAT_TEST_DATA_HOME") is { Length: > 0 }) return;
        string home = Directory.CreateTempSubdirectory("termchat-cli-tests-").FullName;
        Environment.SetEnvironmentVariable("TERMCHAT_TEST_DATA_HOME", home);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", home);
        Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", Directory.CreateDirectory(Path.Combine(home, "config")).FullName);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A child still writing: the temp directory is the system's to clean.
            }
        };
    }
}
