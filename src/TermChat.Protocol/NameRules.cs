namespace TermChat.Protocol;

/// <summary>
/// The nick and room rules of PROTOCOL.md section 12, shared by the server (which enforces them) and
/// clients (which check user input before it goes on the wire). Nicks: 1–24 characters of ASCII letters, digits and
/// <c>_-[]{}|^`</c>, not starting with a digit or '-', unique ignoring case. Rooms: '#' followed by
/// 1–31 of <c>[a-z0-9_-]</c>, case-insensitive and normalised to lowercase.
/// </summary>
public static class NameRules
{
    /// <summary>The room everyone starts in.</summary>
    public const string Lobby = "#lobby";

    /// <summary>Nicks compare ignoring ASCII case.</summary>
    public static StringComparer NickComparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>Checks a nick and explains a failure in one sentence.</summary>
    public static bool IsValidNick(string nick, out string problem)
    {
        problem = "";
        if (nick.Length is 0 or > ProtocolLimits.MaxNickBytes)
        {
            problem = $"A nick has 1 to {ProtocolLimits.MaxNickBytes} characters.";
            return false;
        }
        if (char.IsAsciiDigit(nick[0]) || nick[0] == '-')
        {
            problem = "A nick may not start with a digit or '-'.";
            return false;
        }
        foreach (char c in nick)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "_-[]{}|^`".IndexOf(c) < 0)
            {
                problem = "A nick may contain only ASCII letters, digits and _-[]{}|^`.";
                return false;
            }
        }
        return true;
    }

    /// <summary>Checks a room name and returns its lowercase form.</summary>
    public static bool TryNormalizeRoom(string room, out string normalized, out string problem)
    {
        normalized = "";
        problem = "";
        if (room.Length is < 2 or > ProtocolLimits.MaxRoomBytes || room[0] != '#')
        {
            problem = $"A room name is '#' followed by 1 to {ProtocolLimits.MaxRoomBytes - 1} of a-z, 0-9, '_' and '-'.";
            return false;
        }
        Span<char> lower = stackalloc char[room.Length];
        lower[0] = '#';
        for (int i = 1; i < room.Length; i++)
        {
            char c = char.ToLowerInvariant(room[i]);
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_' && c != '-')
            {
                problem = $"A room name is '#' followed by 1 to {ProtocolLimits.MaxRoomBytes - 1} of a-z, 0-9, '_' and '-'.";
                return false;
            }
            lower[i] = c;
        }
        normalized = new string(lower);
        return true;
    }
}
