using System.Text;

namespace TermChat.TestKit.Text;

/// <summary>
/// Seeded random text built to attack a terminal: ESC and CSI/OSC/DCS sequences, every C0 and C1 control, DEL, bidi
/// overrides and isolates, zero-width characters, mixed with letters, CJK, emoji and combining marks. The escape
/// injection tests send it through a real server and check that none of it reaches a terminal.
/// </summary>
public static class HostileText
{
    private static readonly string[] Sequences =
    [
        "\u001b[2J", "\u001b[H", "\u001b]0;pwned\u0007", "\u001b]52;c;aGk=\u0007", "\u001b[31m", "\u001b[?1049h", "\u001bc",
        "\u009b31m", "\u009d0;pwned\u009c", "\u001bP+q\u001b\\", "\u001b[6n", "\u001b(0", "\u001b#8", "\r\u001b[K", "\u001b[1;1H\u001b[0J",
    ];

    private static readonly string[] Plain = ["a", "Z", "7", " ", "#", "ünï", "你好", "👋", "e\u0301", "\u05D0", "\u0627", "~"];

    /// <summary>Whether <paramref name="c"/> must never reach a terminal from peer text.</summary>
    public static bool IsForbidden(char c) =>
        c < 0x20 || c is >= '\u007f' and <= '\u009f'
        || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069' || c is '\u200e' or '\u200f' or '\u061c';

    /// <summary>One case: 1 to 12 pieces, each a sequence, a single dangerous character or ordinary text.</summary>
    public static string Case(Random random)
    {
        var text = new StringBuilder();
        int pieces = random.Next(1, 13);
        for (int i = 0; i < pieces; i++)
        {
            switch (random.Next(5))
            {
                case 0:
                    text.Append(Sequences[random.Next(Sequences.Length)]);
                    break;
                case 1:
                    text.Append((char)random.Next(0x00, 0x20));
                    break;
                case 2:
                    text.Append((char)random.Next(0x7F, 0xA0));
                    break;
                case 3:
                    text.Append("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200d\ufeff"[random.Next(15)]);
                    break;
                default:
                    text.Append(Plain[random.Next(Plain.Length)]);
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Joins cases into one text of at most <paramref name="maxBytes"/> UTF-8 bytes, each case between <c>⟦</c> plus
    /// <paramref name="tag"/> and <c>⟧</c> (characters no case holds), so a test can count how many arrived.
    /// </summary>
    public static string Batch(Random random, string tag, int cases, int maxBytes, out int packed)
    {
        var text = new StringBuilder();
        packed = 0;
        for (int i = 0; i < cases; i++)
        {
            string next = $"\u27e6{tag}{Case(random)}\u27e7";
            if (Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(next) > maxBytes) break;
            text.Append(next);
            packed++;
        }
        return text.ToString();
    }
}
