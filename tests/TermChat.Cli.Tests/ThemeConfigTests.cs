using System.Globalization;
using System.Text.Json;
using TermChat.Cli.Tests.EndToEnd;
using TermChat.Client.Views;
using Terminal.Gui.Drawing;

namespace TermChat.Cli.Tests;

/// <summary>
/// The High Contrast theme termchat ships in its embedded Terminal.Gui config.json (the app-defaults layer of
/// Terminal.Gui's configuration): what it contains, and that the real binary offers it to --theme.
/// </summary>
public sealed class ThemeConfigTests
{
    private static JsonElement HighContrastTheme()
    {
        using var stream = typeof(TermChatCommand).Assembly.GetManifestResourceStream("TermChat.Cli.Resources.config.json");
        Assert.NotNull(stream);
        using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return doc.RootElement.GetProperty("Themes").GetProperty(Themes.HighContrast).Clone();
    }

    // WCAG 2 relative luminance and contrast ratio.
    private static double Luminance(Color c)
    {
        static double Channel(byte v)
        {
            double s = v / 255.0;
            return s <= 0.03928 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(c.R)) + (0.7152 * Channel(c.G)) + (0.0722 * Channel(c.B));
    }

    private static double Contrast(Color a, Color b)
    {
        double la = Luminance(a);
        double lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    [Fact]
    public void The_shipped_high_contrast_theme_keeps_every_colour_pair_at_7_to_1_or_more_and_nothing_faint()
    {
        var schemes = HighContrastTheme().GetProperty("Schemes");
        Assert.Equal(["Base", "Accent", "Dialog", "Menu", "Error"], schemes.EnumerateObject().Select(s => s.Name).ToArray());
        int pairs = 0;
        foreach (var scheme in schemes.EnumerateObject())
        {
            Assert.Equal(10, scheme.Value.EnumerateObject().Count());
            foreach (var role in scheme.Value.EnumerateObject())
            {
                string where = $"{scheme.Name}.{role.Name}";
                Assert.True(Color.TryParse(role.Value.GetProperty("Foreground").GetString()!, CultureInfo.InvariantCulture, out var fg), where);
                Assert.True(Color.TryParse(role.Value.GetProperty("Background").GetString()!, CultureInfo.InvariantCulture, out var bg), where);
                double ratio = Contrast(fg, bg);
                Assert.True(ratio >= 7, $"{where}: {fg} on {bg} is only {ratio:0.0}:1");
                Assert.DoesNotContain("Faint", role.Value.GetProperty("Style").GetString(), StringComparison.Ordinal);
                pairs++;
            }
        }
        Assert.Equal(50, pairs);
    }

    [Fact]
    public async Task Theme_high_contrast_is_accepted_by_join_from_the_shipped_configuration()
    {
        int closedPort = TermChatBinary.ClosedLoopbackPort();

        // stdin is a pipe here, so join runs in plain mode after the options are validated: the theme is accepted,
        // and what fails is the connection.
        var (code, _, stderr) = await TermchatProcess.RunAsync(["join", $"127.0.0.1:{closedPort.ToString(CultureInfo.InvariantCulture)}", "--nick", "carol", "--theme", "high-contrast"]);

        Assert.Equal(1, code);
        Assert.DoesNotContain(stderr, l => l.Contains("theme", StringComparison.Ordinal));
        Assert.Contains(stderr, l => l.StartsWith("termchat: cannot connect to 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_theme_is_one_line_that_lists_high_contrast_with_the_built_in_ones()
    {
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["join", "127.0.0.1:1", "--theme", "neon"]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        string line = Assert.Single(stderr);
        Assert.StartsWith("termchat join: --theme: unknown theme 'neon'; available: Default, ", line, StringComparison.Ordinal);
        Assert.Contains("Dark", line, StringComparison.Ordinal);
        Assert.Contains("Light", line, StringComparison.Ordinal);
        Assert.Contains("High Contrast", line, StringComparison.Ordinal);
    }
}
