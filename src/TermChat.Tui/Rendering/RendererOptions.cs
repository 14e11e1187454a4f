namespace TermChat.Tui.Rendering;

/// <summary>Output settings of a <see cref="Renderer"/>.</summary>
public sealed record RendererOptions
{
    /// <summary>When true no colour is emitted; bold, dim, italic, underline and reverse still are.</summary>
    public bool NoColor { get; init; }

    /// <summary>Honours the NO_COLOR convention (https://no-color.org): any non-empty value disables colour.</summary>
    public static RendererOptions FromEnvironment() =>
        new() { NoColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) };
}
