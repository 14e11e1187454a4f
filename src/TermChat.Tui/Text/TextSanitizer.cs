using System.Text;

namespace TermChat.Tui.Text;

/// <summary>
/// Removes everything a terminal could interpret as a command: C0 controls, DEL, C1 controls,
/// whole ESC/CSI/OSC/DCS sequences (7-bit and 8-bit forms) and bidi overrides. Untrusted text
/// (peers' messages, nicknames) passes through here before it reaches the screen buffer.
/// </summary>
public static class TextSanitizer
{
    private const char Esc = '\u001B';
    private const char Bel = '\u0007';

    /// <summary>True when <paramref name="text"/> contains nothing that <see cref="Sanitize"/> would change.</summary>
    public static bool IsClean(string text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c) || c == '\t')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns <paramref name="text"/> without control characters and escape sequences; tabs become one space.</summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text) || IsClean(text))
        {
            return text ?? string.Empty;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\t')
            {
                sb.Append(' ');
                i++;
            }
            else if (c == Esc)
            {
                i = SkipEscape(text, i + 1);
            }
            else if (c == '\u009B')
            {
                i = SkipCsiBody(text, i + 1);
            }
            else if (c is '\u009D' or '\u0090' or '\u0098' or '\u009E' or '\u009F')
            {
                i = SkipString(text, i + 1);
            }
            else
            {
                if (!IsUnsafe(c))
                {
                    sb.Append(c);
                }

                i++;
            }
        }

        return sb.ToString();
    }

    private static bool IsUnsafe(char c) =>
        c < 0x20 || (c >= 0x7F && c < 0xA0) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static int SkipEscape(string text, int i)
    {
        if (i >= text.Length)
        {
            return i;
        }

        var c = text[i];
        return c switch
        {
            '[' => SkipCsiBody(text, i + 1),
            ']' or 'P' or 'X' or '^' or '_' => SkipString(text, i + 1),
            // nF sequences: intermediates then one final byte (e.g. ESC ( B).
            >= ' ' and <= '/' => SkipIntermediatesAndFinal(text, i),
            _ => i + 1,
        };
    }

    private static int SkipIntermediatesAndFinal(string text, int i)
    {
        while (i < text.Length && text[i] is >= ' ' and <= '/')
        {
            i++;
        }

        return Math.Min(text.Length, i + 1);
    }

    private static int SkipCsiBody(string text, int i)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c is >= '@' and <= '~')
            {
                return i + 1;
            }

            if (c is < ' ' or > '?')
            {
                // Not a CSI byte: the sequence was malformed, so resume at this character.
                return i;
            }

            i++;
        }

        return i;
    }

    /// <summary>Skips an OSC/DCS-style string up to BEL or ST (ESC \ or U+009C).</summary>
    private static int SkipString(string text, int i)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c is Bel or '\u009C')
            {
                return i + 1;
            }

            if (c == Esc)
            {
                return i + 1 < text.Length && text[i + 1] == '\\' ? i + 2 : i + 1;
            }

            i++;
        }

        return i;
    }
}
