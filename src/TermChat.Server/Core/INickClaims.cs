namespace TermChat.Server.Core;

/// <summary>
/// Nicks claimed across every server of a cluster (docs/SCALING.md, "Nicks and sessions"). A claim is a round trip to
/// the cluster, which the core cannot wait for under its lock: <see cref="Claim"/> starts it and says
/// <see cref="NickClaimOutcome.Pending"/>; the front end holds the client's input (as flood control does) and offers it
/// again once the claim's task has completed, when <see cref="Claim"/> answers from what it learned.
/// </summary>
/// <remarks>
/// The core calls <see cref="Claim"/> under its lock: an implementation never waits there. Sessions bound to claims
/// reach the cluster through <see cref="ISessionStore"/> (the same object): <see cref="ISessionStore.Save"/> binds the
/// claim of the record's nick to the session and keeps its state there for a resume on another server;
/// <see cref="ISessionStore.Delete"/> releases it. The callbacks come from the implementation's own threads, never
/// under the core's lock.
/// </remarks>
internal interface INickClaims
{
    /// <summary>
    /// Claims <paramref name="nick"/> (by its look-alike skeleton) for this server, or says how the claim went.
    /// </summary>
    /// <param name="nick">The nick wanted.</param>
    /// <param name="tokenHash">For a resume: the hash of the client's token; a session another server holds under that
    /// token and key is taken over (<see cref="NickClaimOutcome.Resumable"/>).</param>
    /// <param name="keyFingerprint">The client's key, or null.</param>
    NickClaim Claim(string nick, string? tokenHash, string? keyFingerprint);

    /// <summary>The other servers' sessions in <paramref name="room"/> (attached or waiting for a resume). Under the core's lock; never waits.</summary>
    IReadOnlyList<TermChat.Protocol.Member> RemoteMembers(string room);

    /// <summary>
    /// The user another server holds under exactly <paramref name="nick"/> (matched case-insensitively, not by look), as
    /// far as this server has followed the cluster's sessions; null if none. Under the core's lock; never waits.
    /// </summary>
    RemoteUser? FindRemote(string nick);

    /// <summary>How many of the other servers' sessions are in each room. Under the core's lock; never waits.</summary>
    IReadOnlyDictionary<string, int> RemoteRoomCounts();

    /// <summary>
    /// Starts delivering a private message to a user on server <paramref name="node"/>; false (nothing sent) while this
    /// server cannot reach the cluster. If it turns out not to be delivered (the user left meanwhile, or that server does
    /// not answer), <paramref name="undelivered"/> is called once with a sentence saying so, off the core's lock. A user
    /// who moved to another server meanwhile (a resume there) is found and delivered to there. Under the core's lock;
    /// never waits.
    /// </summary>
    bool SendPrivate(PrivateLine line, string node, Action<string> undelivered);

    /// <summary>
    /// Set by the core: a private message from another server for <see cref="PrivateLine.To"/> on this one; says what
    /// became of it. Called off the core's lock.
    /// </summary>
    Func<PrivateLine, PrivateArrival>? Arrived { get; set; }

    /// <summary>
    /// Set by the core: the session with this token hash was taken over by another server (a resume there), or its
    /// claim was removed because this server was cut off from the cluster for longer than the resume window. The
    /// session ends here without a Quit: the rooms did not lose the user.
    /// </summary>
    Action<string>? Lost { get; set; }

    /// <summary>
    /// Set by the core: a session of a server that died has outlived the resume window, and this server removed its
    /// claim (exactly one server does). The session's rooms get its Quit, as for a dropped link.
    /// </summary>
    Action<SessionRecord>? Expired { get; set; }
}
