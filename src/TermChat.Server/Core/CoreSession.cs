using TermChat.Protocol;

namespace TermChat.Server.Core;

/// <summary>A registered user: nick, rooms, away status and resume token. Guarded by the core's lock.</summary>
internal sealed class CoreSession
{
    public CoreSession(string nick, ResumeToken token)
    {
        Nick = nick;
        Token = token;
    }

    public string Nick { get; set; }

    public ResumeToken Token { get; }

    /// <summary>Where the session's events go, or <see langword="null"/> while detached and waiting for a resume.</summary>
    public ISessionSink? Sink { get; set; }

    /// <summary>Rooms in join order; a detached session stays a member until it expires.</summary>
    public List<CoreRoom> Rooms { get; } = [];

    public string Away { get; set; } = "";

    /// <summary>The session is over (Bye or expiry); its token no longer resumes it.</summary>
    public bool Ended { get; set; }

    /// <summary>Why the link dropped; the Quit reason if the session is not resumed.</summary>
    public string DetachReason { get; set; } = "";

    /// <summary>When a detached session expires (monotonic timestamp); meaningful only while detached.</summary>
    public long ExpiresAt { get; set; }
}
