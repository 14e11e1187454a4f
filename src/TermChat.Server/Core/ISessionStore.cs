namespace TermChat.Server.Core;

/// <summary>
/// Where the core keeps sessions across restarts. Called under the core's lock: an implementation only queues its
/// writes (in order with the room log's, when they share a file).
/// </summary>
internal interface ISessionStore
{
    /// <summary>
    /// The sessions the last run left, and when that run was last known alive (Unix ms; null if never): a session
    /// still attached when the server died counts as detached from then.
    /// </summary>
    (IReadOnlyList<SessionRecord> Sessions, long? DownSinceMs) Load();

    /// <summary>Keeps the session's current state (replacing what was kept under its token hash).</summary>
    void Save(SessionRecord session);

    /// <summary>The session ended: forgets it.</summary>
    void Delete(string tokenHash);
}
