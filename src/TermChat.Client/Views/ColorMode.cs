namespace TermChat.Client.Views;

/// <summary>How the views colour chat text on top of the theme (see <see cref="ChatPalette"/>).</summary>
internal enum ColorMode
{
    /// <summary>Nick, mention, error and marker colours, faint for less important text.</summary>
    Full,

    /// <summary>NO_COLOR: only bold, faint and reverse; every colour stays the theme's.</summary>
    None,

    /// <summary>The high-contrast theme: nothing faint, and every colour at least 7:1 against black.</summary>
    HighContrast,
}
