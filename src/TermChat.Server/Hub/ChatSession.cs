using TermChat.Protocol;

namespace TermChat.Server.Hub;

/// <summary>A registered user: nick, rooms, away status and resume token. Guarded by the hub's lock.</summary>
internal sealed class ChatSession
{
    public ChatSession(string nick, ResumeToken token)
    {
        Nick = nick;
        Token = token;
    }

    public string Nick { get; set; }

    public ResumeToken Token { get; }

    /// <summary>The live connection, or <see langword="null"/> while detached and waiting for a resume.</summary>
    public IClientLink? Link { get; set; }

    /// <summary>Rooms in join order; kept while detached so a resume restores them.</summary>
    public List<Room> Rooms { get; } = [];

    public string Away { get; set; } = "";

    /// <summary>When a detached session expires (timestamp); meaningful only while detached.</summary>
    public long ExpiresAt { get; set; }
}
