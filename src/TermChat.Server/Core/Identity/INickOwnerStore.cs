namespace TermChat.Server.Core.Identity;

/// <summary>
/// Where nick ownership is kept across restarts. Called under the core's lock: an implementation only queues its
/// writes.
/// </summary>
internal interface INickOwnerStore
{
    /// <summary>The bindings the last run left.</summary>
    IReadOnlyList<NickOwner> LoadOwners();

    /// <summary>Keeps a new binding.</summary>
    void SaveOwner(NickOwner owner);

    /// <summary>Forgets the binding of <paramref name="nick"/> (compared ignoring case).</summary>
    void DeleteOwner(string nick);
}
