using Xunit.Sdk;

namespace TermChat.Client.Tests.Views;

/// <summary>Compares whole screens; a mismatch shows the actual screen, one quoted row per line, ready to compare by eye.</summary>
internal static class ScreenAssert
{
    public static void Equal(string[] expected, string[] actual)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }
        static string Show(string[] lines) => string.Join("\n", lines.Select(l => $"            \"{l}\","));
        throw new XunitException($"Screens differ.\nExpected:\n{Show(expected)}\nActual:\n{Show(actual)}");
    }
}
