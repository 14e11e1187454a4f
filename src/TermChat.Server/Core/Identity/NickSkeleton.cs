using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace TermChat.Server.Core.Identity;

/// <summary>
/// The UTS #39 skeleton of a nick: two nicks that look alike have the same skeleton (<c>aIice</c> with a capital I and
/// <c>alice</c>; <c>rn</c> and <c>m</c>; <c>0</c> and <c>O</c>). The mapping is Unicode's confusables.txt, embedded as
/// <c>confusables.tsv</c>, which <c>tools/confusables/generate.py</c> builds from the published data (its header names
/// the version); it is never edited by hand.
/// </summary>
/// <remarks>
/// As ergo does, the skeleton is folded to lower case after mapping, so the comparison also ignores case; case-only
/// differences are caught by the nick comparer anyway. Skeletons are for comparison only, never shown.
/// </remarks>
internal static class NickSkeleton
{
    private static readonly FrozenDictionary<int, string> s_prototypes = Load();

    /// <summary>Entries in the embedded table (a test checks the whole table loaded).</summary>
    public static int TableSize => s_prototypes.Count;

    /// <summary>UTS #39 section 4: NFD, each code point replaced by its prototype, NFD again; then lower case.</summary>
    public static string Of(string nick)
    {
        var mapped = new StringBuilder(nick.Length + 4);
        foreach (var rune in nick.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            if (s_prototypes.TryGetValue(rune.Value, out string? prototype)) mapped.Append(prototype);
            else mapped.Append(rune.ToString());
        }
        return mapped.ToString().Normalize(NormalizationForm.FormD).ToLowerInvariant();
    }

    private static FrozenDictionary<int, string> Load()
    {
        using var stream = typeof(NickSkeleton).Assembly.GetManifestResourceStream("TermChat.Server.confusables.tsv")
            ?? throw new InvalidOperationException("The confusables table is not embedded in the server assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var map = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            int source = int.Parse(line.AsSpan(0, tab), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var prototype = new StringBuilder();
            foreach (string hex in line[(tab + 1)..].Split(' '))
            {
                prototype.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
            map[source] = prototype.ToString();
        }
        return map.ToFrozenDictionary();
    }
}
