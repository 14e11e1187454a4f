namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>The scanner behind the full-screen fuzz test finds what it must, so that test can fail.</summary>
public sealed class TerminalOutputScannerTests
{
    // What Terminal.Gui wrote at start-up and for a frame, as captured with tmux pipe-pane.
    private const string TerminalGuiFrame = "\u001b[?1049h\u001b[?1h\u001b=\u001b[?1003h\u001b[?1015h\u001b[?1006h\u001b[?2004h\u001b[6n\u001b]10;?\u001b\\" +
        "\u001b]11;?\u001b\\\u001b[?u\u001b[0c\u001b]0;\u001b\\\u001b[1;1H\u001b[39m\u001b[49m\u001b[0m\u001b[38;2;255;255;255m\u001b[48;2;0;0;128m #lobby 你好 👋 e\u0301\u001b[2;1H" +
        "\u001b[7m\u001b[1m status \u001b[22m\u001b[27m\u001b[?25l\u001b[3;5H\u001b[K\u001b[?25h\u001b[2 q";

    [Fact]
    public void What_terminal_gui_sends_for_a_frame_is_clean()
    {
        // The shell's echo of the Enter that started the client comes before it and is not the client's.
        Assert.Empty(TerminalOutputScanner.Findings("\r\n" + TerminalGuiFrame + TerminalGuiFrame));
    }

    [Theory]
    [InlineData("\u001b]0;pwned\u0007", "OSC 0;pwned ended by BEL")]
    [InlineData("\u001b]52;c;aGk=\u001b\\", "OSC 52;c;aGk=, which")]
    [InlineData("\u001b]8;;http://evil.example/\u001b\\", "OSC 8;;http")]
    [InlineData("\u001bP+q544e\u001b\\", "a DCS string")]
    [InlineData("\u001b_apc\u001b\\", "an APC string")]
    [InlineData("\u001bc", "ESC c")]
    [InlineData("\u001b(0", "ESC (")]
    [InlineData("\u001b#8", "ESC #")]
    [InlineData("\u001b[31m", "CSI 31m")]
    [InlineData("\u001b[5;31;41m", "CSI 5;31;41m")]
    [InlineData("\u001b[38;5;196m", "CSI 38;5;196m")]
    [InlineData("\u001b[?47h", "CSI ?47h")]
    [InlineData("\u001b[21t", "CSI 21t")]
    [InlineData("\u001b[s", "CSI s")]
    [InlineData("\u009b2J", "U+009B")]
    [InlineData("\u009d0;x\u009c", "U+009D")]
    [InlineData("\u0085", "U+0085")]
    [InlineData("a\rb", "U+000D")]
    [InlineData("a\nb", "U+000A")]
    [InlineData("\u0007", "U+0007")]
    [InlineData("\u007f", "U+007F")]
    [InlineData("\u202eevil", "U+202E")]
    [InlineData("\u2066x\u2069", "U+2066")]
    [InlineData("\u200f", "U+200F")]
    [InlineData("\u001b[12\u00e9", "an unterminated CSI")]
    [InlineData("\u001b]0;runs on", "OSC 0;runs on more")]
    public void A_sequence_or_control_terminal_gui_never_sends_is_found_among_its_own(string smuggled, string named)
    {
        var findings = TerminalOutputScanner.Findings(TerminalGuiFrame + "text " + smuggled + " more" + TerminalGuiFrame);

        Assert.Contains(findings, f => f.Contains(named, StringComparison.Ordinal));
    }
}
