using System.Text;
using TermChat.TestKit.Text;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A small VT parser for what a program wrote to its terminal (tmux pipe-pane): it splits the output into text and
/// escape sequences and names everything the full-screen client (Terminal.Gui) does not emit by itself, so that
/// anything a peer smuggled through chat text stands out. Allowed: CSI cursor positioning, erase, SGR colours and
/// styles, the private modes Terminal.Gui sets (cursor, alternate screen, mouse, bracketed paste), its start-up
/// queries (cursor position, device attributes, kitty keyboard, OSC 10/11 colours), its empty-title OSC 0, and
/// keypad mode. Everything else is a finding: any other escape sequence, any OSC, DCS, APC, PM or SOS, every C0
/// control in the text (Terminal.Gui moves the cursor with CSI, never with CR, LF or BS), DEL, every C1 control
/// and every bidi override, isolate or mark.
/// </summary>
internal static class TerminalOutputScanner
{
    private const char Esc = '\u001b';

    // The private modes Terminal.Gui sets and resets (?N h / ?N l).
    private static readonly HashSet<string> s_privateModes = ["?1", "?25", "?1049", "?1000", "?1002", "?1003", "?1004", "?1006", "?1015", "?2004"];

    // The OSC strings it writes: the terminal's colour queries, and an empty window title.
    private static readonly HashSet<string> s_oscs = ["10;?", "11;?", "0;"];

    /// <summary>
    /// The findings in <paramref name="output"/>, each naming what was found and where; empty when clean. What comes
    /// before the first ESC (the shell's echo of the key that started the client) is not the client's and is skipped.
    /// </summary>
    public static List<string> Findings(string output, int most = 10)
    {
        var findings = new List<string>();
        int at = output.IndexOf(Esc, StringComparison.Ordinal);
        if (at < 0) return findings;
        while (at < output.Length && findings.Count < most)
        {
            char c = output[at];
            if (c != Esc)
            {
                if (HostileText.IsForbidden(c)) findings.Add($"U+{(int)c:X4} in the text at {at}: {Around(output, at)}");
                at++;
                continue;
            }
            int end = SequenceEnd(output, at, out string? problem);
            if (problem is not null) findings.Add($"{problem} at {at}: {Around(output, at)}");
            at = end;
        }
        return findings;
    }

    // Where the sequence starting at an ESC ends, and what is wrong with it if anything.
    private static int SequenceEnd(string output, int at, out string? problem)
    {
        problem = null;
        if (at + 1 >= output.Length)
        {
            problem = "ESC at the end of the output";
            return output.Length;
        }
        char kind = output[at + 1];
        switch (kind)
        {
            case '[':
            {
                int i = at + 2;
                while (i < output.Length && output[i] is >= '\u0030' and <= '\u003f') i++;
                string parameters = output[(at + 2)..i];
                int intermediatesStart = i;
                while (i < output.Length && output[i] is >= '\u0020' and <= '\u002f') i++;
                string intermediates = output[intermediatesStart..i];
                if (i >= output.Length || output[i] is not (>= '\u0040' and <= '\u007e'))
                {
                    problem = "an unterminated CSI sequence";
                    return i;
                }
                char final = output[i];
                if (!IsAllowedCsi(parameters, intermediates, final)) problem = $"CSI {Visible(parameters + intermediates + final)}, which Terminal.Gui does not send";
                return i + 1;
            }
            case ']':
            {
                int i = at + 2;
                var text = new StringBuilder();
                while (i < output.Length && output[i] != '\u0007' && !(output[i] == Esc && i + 1 < output.Length && output[i + 1] == '\\'))
                {
                    text.Append(output[i]);
                    i++;
                }
                if (i >= output.Length)
                {
                    problem = $"an unterminated OSC {Visible(text.ToString())}";
                    return i;
                }
                bool bel = output[i] == '\u0007';
                if (bel || !s_oscs.Contains(text.ToString())) problem = $"OSC {Visible(text.ToString())}{(bel ? " ended by BEL" : "")}, which Terminal.Gui does not send";
                return i + (bel ? 1 : 2);
            }
            case '=' or '>':
                return at + 2;
            case 'P' or '_' or '^' or 'X':
                problem = $"{kind switch { 'P' => "a DCS", '_' => "an APC", '^' => "a PM", _ => "an SOS" }} string";
                return at + 2;
            default:
                problem = $"ESC {Visible(kind.ToString())}, which Terminal.Gui does not send";
                return at + 2;
        }
    }

    private static bool IsAllowedCsi(string parameters, string intermediates, char final)
    {
        if (intermediates.Length > 0) return intermediates == " " && final == 'q' && IsNumbers(parameters);
        return final switch
        {
            'm' => IsTrueColorSgr(parameters),
            'H' or 'J' or 'K' => IsNumbers(parameters),
            'h' or 'l' => s_privateModes.Contains(parameters),
            'n' => parameters == "6",
            'c' => parameters is "" or "0",
            'u' => parameters == "?",
            _ => false,
        };
    }

    // Terminal.Gui gives colours as 24-bit RGB (38;2;R;G;B, 48;2;R;G;B) or the defaults (39, 49), and styles by
    // their codes; the 8- and 256-colour forms that peer text would use (31, 41, 38;5;N) are not its own.
    private static bool IsTrueColorSgr(string parameters)
    {
        if (!IsNumbers(parameters)) return false;
        string[] codes = parameters.Split(';');
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] is "38" or "48")
            {
                if (i + 4 >= codes.Length || codes[i + 1] != "2") return false;
                i += 4;
                continue;
            }
            if (codes[i] is not ("" or "0" or "1" or "2" or "3" or "4" or "5" or "7" or "8" or "9" or "21" or "22" or "23" or "24" or "25" or "27" or "28" or "29" or "39" or "49")) return false;
        }
        return true;
    }

    private static bool IsNumbers(string parameters) => parameters.All(c => char.IsAsciiDigit(c) || c == ';');

    private static string Around(string output, int at) => Visible(output[Math.Max(0, at - 12)..Math.Min(output.Length, at + 24)]);

    private static string Visible(string text) =>
        string.Concat(text.Select(c => c < 0x20 || c is >= '\u007f' and <= '\u009f' || HostileText.IsForbidden(c) ? $"<{(int)c:X2}>" : c.ToString()));
}
