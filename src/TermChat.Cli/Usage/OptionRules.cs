using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using TermChat.Protocol;

namespace TermChat.Cli.Usage;

/// <summary>
/// Validators shared by every command's options, so a range or a name rule is stated once. Each checks only a
/// value that was typed and parses: a missing value keeps its default, and text that is not a number is left to
/// System.CommandLine's own conversion error (a validator that converts it would throw instead).
/// </summary>
internal static class OptionRules
{
    /// <summary>Refuses a typed value outside <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static Option<T> InRange<T>(this Option<T> option, T min, T max, string? rule = null)
        where T : struct, INumber<T>
    {
        option.Validators.Add(result => CheckRange(result, min, max, rule));
        return option;
    }

    /// <summary>Refuses a typed value outside <paramref name="min"/>..<paramref name="max"/> (an omitted optional value is fine).</summary>
    public static Option<T?> InRange<T>(this Option<T?> option, T min, T max, string? rule = null)
        where T : struct, INumber<T>
    {
        option.Validators.Add(result => CheckRange(result, min, max, rule));
        return option;
    }

    /// <summary>A UDP or TCP port: 1 to 65535, or 0 too when <paramref name="allowZero"/> (the system picks one).</summary>
    public static Option<T> Port<T>(this Option<T> option, bool allowZero = false)
        where T : struct, INumber<T> =>
        option.InRange(T.CreateChecked(allowZero ? 0 : 1), T.CreateChecked(65535), allowZero ? "a port from 0 to 65535 (0 picks a free one)" : "a port from 1 to 65535");

    /// <summary>A nick that the protocol's rules allow (PROTOCOL.md section 12), checked before anything connects.</summary>
    public static Option<string?> Nick(this Option<string?> option)
    {
        option.Validators.Add(result =>
        {
            if (Typed(result) is { } nick && !NameRules.IsValidNick(nick, out string problem))
            {
                result.AddError($"{result.Option.Name} {Quote(nick)} is not a valid nick: {problem}");
            }
        });
        return option;
    }

    /// <summary>A room name that the protocol's rules allow; the leading '#' may be left out.</summary>
    public static Option<string?> Room(this Option<string?> option)
    {
        option.Validators.Add(result =>
        {
            if (Typed(result) is { } room && !NameRules.TryNormalizeRoom(room.StartsWith('#') ? room : "#" + room, out _, out string problem))
            {
                result.AddError($"{result.Option.Name} {Quote(room)} is not a valid room: {problem}");
            }
        });
        return option;
    }

    /// <summary>User text inside a one-line message: quoted, control characters escaped, long text cut.</summary>
    public static string Quote(string text)
    {
        const int Longest = 40;
        var quoted = new System.Text.StringBuilder("'");
        foreach (char c in text.Length > Longest ? text[..Longest] : text)
        {
            quoted.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }
        return quoted.Append(text.Length > Longest ? $"…' ({text.Length} characters)" : "'").ToString();
    }

    private static void CheckRange<T>(OptionResult result, T min, T max, string? rule)
        where T : struct, INumber<T>
    {
        foreach (var token in result.Tokens)
        {
            if (T.TryParse(token.Value, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out T value) && (value < min || value > max || (value is double d && !double.IsFinite(d))))
            {
                result.AddError(rule is null
                    ? string.Create(CultureInfo.InvariantCulture, $"{result.Option.Name} must be from {min} to {max}, not {token.Value}")
                    : $"{result.Option.Name} must be {rule}, not {token.Value}");
                return;
            }
        }
    }

    private static string? Typed(OptionResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
}
