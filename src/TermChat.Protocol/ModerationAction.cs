namespace TermChat.Protocol;

/// <summary>What a <see cref="Messages.Moderate"/> asks for (protocol version 3). Values not listed are malformed.</summary>
public enum ModerationAction : byte
{
    /// <summary>The sender's key gives up its current nick (<c>/nick --release</c>); anyone may use it.</summary>
    ReleaseNick = 1,
    /// <summary>Operator: removes <c>target</c> (a nick) from <c>room</c>.</summary>
    Kick = 2,
    /// <summary>Operator: bans <c>target</c> (a nick, a key fingerprint or an IP/CIDR) server-wide for <c>seconds</c> (0 = until lifted).</summary>
    Ban = 3,
    /// <summary>Operator: lifts the ban on exactly <c>target</c>.</summary>
    Unban = 4,
    /// <summary>Operator: <c>target</c> may not speak in <c>room</c> for <c>seconds</c> (0 = until unmuted).</summary>
    Mute = 5,
    /// <summary>Operator: lifts a mute.</summary>
    Unmute = 6,
    /// <summary>Operator: <c>target</c> may speak in <c>room</c> while it is moderated.</summary>
    Voice = 7,
    /// <summary>Operator: takes voice away.</summary>
    Devoice = 8,
    /// <summary>Operator: <c>target</c> may join <c>room</c> although it is invite-only or has a key.</summary>
    Invite = 9,
    /// <summary>Operator: only operators set the topic of <c>room</c>.</summary>
    LockTopic = 10,
    /// <summary>Operator: members set the topic again.</summary>
    UnlockTopic = 11,
    /// <summary>Operator: <c>room</c> is invite-only.</summary>
    InviteOnly = 12,
    /// <summary>Operator: <c>room</c> is open to all again.</summary>
    NotInviteOnly = 13,
    /// <summary>Operator: only operators and voiced members speak in <c>room</c>.</summary>
    Moderated = 14,
    /// <summary>Operator: every member speaks again.</summary>
    NotModerated = 15,
    /// <summary>Operator: joining <c>room</c> needs the key <c>target</c> (JoinKeyed).</summary>
    SetKey = 16,
    /// <summary>Operator: <c>room</c> needs no key.</summary>
    ClearKey = 17,
}
