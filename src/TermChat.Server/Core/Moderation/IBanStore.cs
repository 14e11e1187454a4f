namespace TermChat.Server.Core.Moderation;

/// <summary>Where bans are kept across restarts. Called under the core's lock: an implementation only queues its writes.</summary>
internal interface IBanStore
{
    /// <summary>The bans the last run left (lapsed ones included; the list drops them).</summary>
    IReadOnlyList<Ban> LoadBans();

    /// <summary>Keeps a ban, replacing one on the same target.</summary>
    void SaveBan(Ban ban);

    /// <summary>Forgets the ban on <paramref name="target"/>.</summary>
    void DeleteBan(string target);
}
