using Terminal.Gui.Configuration;

namespace TermChat.Client.Views;

/// <summary>
/// Themes come from Terminal.Gui's configuration: its built-in ones ("Default", "Dark", "Light", ...), the app's
/// embedded config.json (termchat ships "High Contrast" there), and the user's ~/.tui/config.json,
/// ./.tui/config.json, ~/.tui/termchat.config.json or the TUI_CONFIG variable, in Terminal.Gui's nested format.
/// <c>--theme NAME</c> picks one at start.
/// </summary>
public static class Themes
{
    /// <summary>The name of the high-contrast theme termchat ships.</summary>
    public const string HighContrast = "High Contrast";

    /// <summary>The names of the themes available.</summary>
    public static IReadOnlyList<string> Names => ThemeManager.GetThemeNames();

    /// <summary>The name of the current theme.</summary>
    public static string Current => ThemeManager.GetCurrentThemeName();

    /// <summary>Selects <paramref name="theme"/> (see <see cref="Find"/>); null keeps the configured one.</summary>
    /// <exception cref="ArgumentException">No theme has that name.</exception>
    public static void Apply(string? theme)
    {
        if (theme is null)
        {
            return;
        }
        string match = Find(theme) ?? throw new ArgumentException(UnknownTheme(theme), nameof(theme));
        ThemeManager.Theme = match;
    }

    /// <summary>
    /// The exact name of the theme called <paramref name="theme"/>, or null. Case, spaces, '-' and '_' do not
    /// matter, so <c>high-contrast</c> finds "High Contrast" and <c>amber_phosphor</c> "Amber Phosphor".
    /// </summary>
    public static string? Find(string theme) => Names.FirstOrDefault(n => Key(n) == Key(theme));

    /// <summary>Whether <paramref name="theme"/> names the high-contrast theme.</summary>
    public static bool IsHighContrast(string? theme) => theme is not null && Key(theme) == Key(HighContrast);

    /// <summary>The one-line error for an unknown theme, listing the available ones.</summary>
    public static string UnknownTheme(string theme) => $"unknown theme '{theme}'; available: {string.Join(", ", Names)}";

    private static string Key(string name) =>
        string.Concat(name.Where(c => c is not (' ' or '-' or '_'))).ToUpperInvariant();
}
