namespace TermChat.Server.Core;

/// <summary>The answers of <see cref="INickClaims.Claim"/>.</summary>
internal enum NickClaimOutcome
{
    /// <summary>The nick is this server's: the session may use it.</summary>
    Held,

    /// <summary>The cluster has not answered yet: offer the same input again when <see cref="NickClaim.Wait"/> completes.</summary>
    Pending,

    /// <summary>The resume token names a session another server held: it is this server's now.</summary>
    Resumable,

    /// <summary>Another server's session uses the nick (or one that looks like it).</summary>
    Taken,

    /// <summary>The cluster cannot be reached, so nobody can know the nick is free.</summary>
    Unavailable,

    /// <summary>Another key owns the nick (or one that looks like it) across the cluster; <see cref="NickClaim.Owner"/> says whose.</summary>
    Owned,
}
