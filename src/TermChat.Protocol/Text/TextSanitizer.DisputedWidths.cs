namespace TermChat.Protocol.Text;

// Code points glibc 2.36's wcwidth (Unicode 14: Debian 12, and Ubuntu 22.04's 2.35) does not know, or gives another
// width than Terminal.Gui 2.5 (its Wcwidth tables) in cells (Terminal.Gui gives even a zero-width letter one cell).
// Format characters, separators, emoji modifiers and medial and final Hangul jamo are left to rules of the cell-grid
// pass. Most were assigned in Unicode 15 and later (new emoji such as U+1FAE8, CJK extensions H and I, new scripts
// and marks): tmux there draws them zero columns wide, the toolkit one or two. The rest changed East Asian width in
// Unicode 15/16 (the trigram symbols U+2630.., Tai Xuan Jing U+1D300..) or are marks glibc gives columns of their own
// (U+302E, U+16FF0). Made by comparing the two for every assigned code point; the test
// Every_code_point_after_the_cell_grid_pass_is_as_wide_in_the_view_as_in_glibc_wcwidth (Client.Tests) checks the
// whole code space against the machine's wcwidth, so a toolkit upgrade that changes a width shows up.
public static partial class TextSanitizer
{
    private static readonly (int First, int Last)[] s_disputedWidths =
    [
        (0x897, 0x897), (0xCF3, 0xCF3), (0xECE, 0xECE), (0x1B4E, 0x1B4F), (0x1B7F, 0x1B7F), (0x1C89, 0x1C8A),
        (0x2427, 0x2429), (0x2630, 0x2637), (0x268A, 0x268F), (0x2FFC, 0x2FFF), (0x302E, 0x302F), (0x31E4, 0x31E5),
        (0x31EF, 0x31EF), (0x3248, 0x324F), (0xA7CB, 0xA7CD), (0xA7DA, 0xA7DC), (0x105C0, 0x105F3), (0x10D40, 0x10D65),
        (0x10D69, 0x10D85), (0x10D8E, 0x10D8F), (0x10EC2, 0x10EC4), (0x10EFC, 0x10EFF), (0x1123F, 0x11241),
        (0x11380, 0x11389), (0x1138B, 0x1138B), (0x1138E, 0x1138E), (0x11390, 0x113B5), (0x113B7, 0x113C0),
        (0x113C2, 0x113C2), (0x113C5, 0x113C5), (0x113C7, 0x113CA), (0x113CC, 0x113D5), (0x113D7, 0x113D8),
        (0x113E1, 0x113E2), (0x116D0, 0x116E3), (0x1171E, 0x1171E), (0x11B00, 0x11B09), (0x11BC0, 0x11BE1),
        (0x11BF0, 0x11BF9), (0x11F00, 0x11F10), (0x11F12, 0x11F3A), (0x11F3E, 0x11F5A), (0x1342F, 0x1342F),
        (0x13440, 0x13455), (0x13460, 0x143FA), (0x16100, 0x16139), (0x16D40, 0x16D79), (0x16FF0, 0x16FF1),
        (0x18CFF, 0x18CFF), (0x1B132, 0x1B132), (0x1B155, 0x1B155), (0x1CC00, 0x1CCF9), (0x1CD00, 0x1CEB3),
        (0x1D2C0, 0x1D2D3), (0x1D300, 0x1D356), (0x1D360, 0x1D376), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D),
        (0x1E08F, 0x1E08F), (0x1E4D0, 0x1E4F9), (0x1E5D0, 0x1E5FA), (0x1E5FF, 0x1E5FF), (0x1F6DC, 0x1F6DC),
        (0x1F774, 0x1F776), (0x1F77B, 0x1F77F), (0x1F7D9, 0x1F7D9), (0x1F8B2, 0x1F8BB), (0x1F8C0, 0x1F8C1),
        (0x1FA75, 0x1FA77), (0x1FA87, 0x1FA89), (0x1FA8F, 0x1FA8F), (0x1FAAD, 0x1FAAF), (0x1FABB, 0x1FABF),
        (0x1FAC6, 0x1FAC6), (0x1FACE, 0x1FACF), (0x1FADA, 0x1FADC), (0x1FADF, 0x1FADF), (0x1FAE8, 0x1FAE9),
        (0x1FAF7, 0x1FAF8), (0x1FBCB, 0x1FBEF), (0x2B739, 0x2B739), (0x2EBF0, 0x2EE5D), (0x31350, 0x323AF)
    ];

    private static bool IsDisputedWidth(int codePoint)
    {
        if (codePoint < s_disputedWidths[0].First)
        {
            return false;
        }
        int low = 0;
        int high = s_disputedWidths.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) / 2;
            var (first, last) = s_disputedWidths[middle];
            if (codePoint < first)
            {
                high = middle - 1;
            }
            else if (codePoint > last)
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }
}
