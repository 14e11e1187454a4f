namespace TermChat.Server.Core.Moderation;

/// <summary>What a ban matches.</summary>
internal enum BanKind
{
    /// <summary>A client key fingerprint, exactly.</summary>
    Key,
    /// <summary>A nick, and every nick that looks like it.</summary>
    Nick,
    /// <summary>An IP address or CIDR block.</summary>
    Address,
}
