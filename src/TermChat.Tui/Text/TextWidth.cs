using System.Globalization;
using System.Text;

namespace TermChat.Tui.Text;

/// <summary>
/// Measures how many terminal cells text occupies, one extended grapheme cluster at a time.
/// A cluster is 0 cells (lone combining/format marks), 2 cells (East Asian wide, emoji
/// presentation, ZWJ sequences, flags, VS16) or 1 cell.
/// </summary>
public static class TextWidth
{
    private const int ZeroWidthJoiner = 0x200D;
    private const int VariationSelector16 = 0xFE0F;

    /// <summary>The total cell width of <paramref name="text"/>.</summary>
    public static int Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var width = 0;
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            var length = StringInfo.GetNextTextElementLength(span);
            width += OfGrapheme(span[..length]);
            span = span[length..];
        }

        return width;
    }

    /// <summary>Splits <paramref name="text"/> into extended grapheme clusters.</summary>
    public static IEnumerable<string> Graphemes(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var index = 0;
        while (index < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text, index);
            yield return text.Substring(index, length);
            index += length;
        }
    }

    /// <summary>The cell width of a single grapheme cluster.</summary>
    public static int OfGrapheme(ReadOnlySpan<char> grapheme)
    {
        if (grapheme.IsEmpty || Rune.DecodeFromUtf16(grapheme, out var first, out var consumed) != System.Buffers.OperationStatus.Done)
        {
            return grapheme.IsEmpty ? 0 : 1;
        }

        var baseWidth = OfCodePoint(first.Value);
        if (consumed == grapheme.Length)
        {
            return baseWidth;
        }

        // Emoji sequences (ZWJ families, VS16 presentation) render as one wide glyph.
        foreach (var rune in grapheme[consumed..].EnumerateRunes())
        {
            if (rune.Value == VariationSelector16 || (rune.Value == ZeroWidthJoiner && baseWidth != 0))
            {
                return 2;
            }
        }

        return baseWidth;
    }

    /// <summary>The cell width of one code point taken on its own.</summary>
    public static int OfCodePoint(int codePoint)
    {
        if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint < 0xA0))
        {
            return 0;
        }

        if (codePoint < 0x300)
        {
            return 1;
        }

        if (WideRanges.Contains(codePoint))
        {
            return 2;
        }

        if (codePoint is (>= 0x1160 and <= 0x11FF) or 0x200B)
        {
            return 0;
        }

        return CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format => 0,
            _ => 1,
        };
    }
}
