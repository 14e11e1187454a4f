using System.Text;
namespace TermChat.Client.Views;

/// <summary>
/// Stable nick colours: FNV-1a over the lowercased nick's UTF-8 bytes picks one of a palette of
/// 256-colour indices that read well on dark and light backgrounds. The same nick gets the same
/// colour in every process and on every machine (unlike <see cref="string.GetHashCode()"/>, which
/// is randomised per process). Greys, black, white and the darkest blues are left out, so a nick is
/// never drawn in (or near) the terminal's background colour.
/// </summary>
public static class NickColors
{
    private const uint FnvOffsetBasis = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>The palette, as 256-colour indices: saturated mid-brightness reds, oranges, greens, cyans, blues and magentas.</summary>
    public static IReadOnlyList<byte> Palette { get; } =
    [
        160, 166, 172, 178, 142, 106, 70, 34, 35, 36, 37, 38,
        32, 33, 63, 99, 135, 134, 170, 169, 168, 203, 208, 214,
        76, 41, 44, 39, 69, 105, 141, 177, 205, 209, 113, 79,
    ];

    /// <summary>The FNV-1a 32-bit hash of the lowercased nick (invariant culture, UTF-8).</summary>
    public static uint Hash(string nick)
    {
        ArgumentNullException.ThrowIfNull(nick);
        uint hash = FnvOffsetBasis;
        foreach (byte b in Encoding.UTF8.GetBytes(nick.ToLowerInvariant()))
        {
            hash ^= b;
            hash *= FnvPrime;
        }
        return hash;
    }

    /// <summary>The 256-colour index for <paramref name="nick"/> (case-insensitive).</summary>
    public static byte For(string nick) => Palette[(int)(Hash(nick) % (uint)Palette.Count)];
}
