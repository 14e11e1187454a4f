using Terminal.Gui.Configuration;

namespace TermChat.Client.Views;

/// <summary>
/// Themes come from Terminal.Gui's configuration (its built-in ones such as "Default", "Dark" and "Light", ours
/// from the app's embedded config.json, and anything in the user's ~/.tui/config.json, ./.tui/config.json or the
/// TUI_CONFIG variable); <c>--theme NAME</c> picks one at start.
/// </summary>
public static class Themes
{
    /// <summary>The names of the themes available.</summary>
    public static IReadOnlyList<string> Names => ThemeManager.GetThemeNames();

    /// <summary>Selects <paramref name="theme"/> (case-insensitive); null keeps the configured one.</summary>
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

    /// <summary>The exact name of the theme called <paramref name="theme"/> (case-insensitive), or null.</summary>
    public static string? Find(string theme) =>
        Names.FirstOrDefault(n => string.Equals(n, theme, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one-line error for an unknown theme, listing the available ones.</summary>
    public static string UnknownTheme(string theme) => $"unknown theme '{theme}'; available: {string.Join(", ", Names)}";
}
