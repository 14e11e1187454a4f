using TermChat.Protocol;

namespace TermChat.Client.Session;

/// <summary>The alternate nicks tried when a nick is in use: underscores appended, as IRC clients do.</summary>
public static class NickAlternates
{
    /// <summary>
    /// The <paramref name="n"/>th alternate of <paramref name="nick"/> (1-based): <c>alice_</c>, <c>alice__</c>, …
    /// The nick is shortened first when the underscores would pass the protocol's length limit.
    /// </summary>
    public static string Nth(string nick, int n)
    {
        ArgumentNullException.ThrowIfNull(nick);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        int keep = Math.Min(nick.Length, Math.Max(1, ProtocolLimits.MaxNickBytes - n));
        return nick[..keep] + new string('_', Math.Min(n, ProtocolLimits.MaxNickBytes - 1));
    }
}
