namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Client names unique per run (a server may still hold the previous run's nicks for resume), at most
/// nine characters (the RFC 1459 nick length ngircd and ircd-hybrid enforce), starting with a letter.
/// </summary>
public sealed class ClientNames
{
    private readonly string _run;

    /// <summary>Creates names for a new run.</summary>
    public ClientNames() : this(Random.Shared.Next(36 * 36 * 36))
    {
    }

    /// <summary>Creates names for run number <paramref name="run"/> (0 ≤ run &lt; 46656).</summary>
    public ClientNames(int run)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        _run = string.Concat(digits[run / 1296 % 36], digits[run / 36 % 36], digits[run % 36]);
    }

    /// <summary>The name of client <paramref name="index"/> in role <paramref name="role"/> ('s', 'p', 'i').</summary>
    public string For(char role, int index) => $"{role}{_run}{index}";
}
