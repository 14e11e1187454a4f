using TermChat.Protocol;

namespace TermChat.Server.Core.Identity;

/// <summary>
/// Which key owns which nick, and which nicks look alike. The first key to use a nick owns it (trust on first use, as
/// ssh-chat does); afterwards the nick, and every nick that looks like it (same <see cref="NickSkeleton"/>), is refused
/// to any other key and to clients without a key. Guarded by the core's lock.
/// </summary>
/// <remarks>
/// This is the core's one seam for nick ownership: a cluster-wide registry would replace the two dictionaries, not the
/// rules around them.
/// </remarks>
internal sealed class NickRegistry
{
    private readonly Dictionary<string, NickOwner> _byNick = new(NameRules.NickComparer);
    private readonly Dictionary<string, NickOwner> _bySkeleton = new(StringComparer.Ordinal);
    private readonly INickOwnerStore? _store;

    /// <param name="store">Where bindings are kept across restarts; null keeps them in memory (--ephemeral).</param>
    public NickRegistry(INickOwnerStore? store)
    {
        _store = store;
        if (store is null) return;
        foreach (var owner in store.LoadOwners()) Add(owner);
    }

    /// <summary>Nicks owned by keys.</summary>
    public int Count => _byNick.Count;

    /// <summary>The owner of <paramref name="nick"/> or of a nick that looks like it, if any.</summary>
    public bool TryGetOwner(string nick, out NickOwner owner) =>
        _byNick.TryGetValue(nick, out owner!) || _bySkeleton.TryGetValue(NickSkeleton.Of(nick), out owner!);

    /// <summary>
    /// Why the holder of <paramref name="fingerprint"/> (null: a client without a key) may not use
    /// <paramref name="nick"/>, or null if it may.
    /// </summary>
    public string? Refusal(string nick, string? fingerprint) =>
        !TryGetOwner(nick, out var owner) || owner.Fingerprint == fingerprint ? null : RefusalText(owner, nick, fingerprint);

    /// <summary>What the holder of <paramref name="fingerprint"/> is told when <paramref name="owner"/> keeps it from <paramref name="nick"/>.</summary>
    public static string RefusalText(NickOwner owner, string nick, string? fingerprint)
    {
        string whose = NameRules.NickComparer.Equals(owner.Nick, nick)
            ? $"The nick {owner.Nick} belongs to another key"
            : $"The nick {nick} looks like {owner.Nick}, which belongs to another key";
        return fingerprint is null
            ? $"{whose}; a client without a key may use only nicks no key owns: choose another."
            : $"{whose}: choose another.";
    }

    /// <summary>
    /// Binds <paramref name="nick"/> to <paramref name="fingerprint"/> if no key owns it or a look-alike yet. Nothing
    /// happens for a client without a key.
    /// </summary>
    /// <returns>Whether a new binding was made.</returns>
    public bool Claim(string nick, string? fingerprint, long nowMs)
    {
        if (fingerprint is null || TryGetOwner(nick, out _)) return false;
        var owner = new NickOwner(nick, fingerprint, nowMs);
        Add(owner);
        _store?.SaveOwner(owner);
        return true;
    }

    /// <summary>Gives <paramref name="nick"/> up, if <paramref name="fingerprint"/> owns it.</summary>
    /// <returns>The binding released, or null when the key does not own the nick.</returns>
    public NickOwner? Release(string nick, string? fingerprint)
    {
        if (fingerprint is null || !_byNick.TryGetValue(nick, out var owner) || owner.Fingerprint != fingerprint) return null;
        _byNick.Remove(owner.Nick);
        _bySkeleton.Remove(NickSkeleton.Of(owner.Nick));
        _store?.DeleteOwner(owner.Nick);
        return owner;
    }

    /// <summary>
    /// Takes a binding made on another server (a cluster): it replaces whatever this registry held for that nick or a
    /// look-alike, since the other servers decided it. Nothing is written to the store, which reported it.
    /// </summary>
    public void Apply(NickOwner owner)
    {
        if (_byNick.TryGetValue(owner.Nick, out var old)) Drop(old);
        if (_bySkeleton.TryGetValue(NickSkeleton.Of(owner.Nick), out old)) Drop(old);
        Add(owner);
    }

    /// <summary>Forgets a binding released on another server, unless the nick is bound to another key here meanwhile.</summary>
    public void Forget(NickOwner owner)
    {
        if (_byNick.TryGetValue(owner.Nick, out var known) && known.Fingerprint == owner.Fingerprint) Drop(known);
    }

    private void Drop(NickOwner owner)
    {
        _byNick.Remove(owner.Nick);
        string skeleton = NickSkeleton.Of(owner.Nick);
        if (_bySkeleton.TryGetValue(skeleton, out var held) && ReferenceEquals(held, owner)) _bySkeleton.Remove(skeleton);
    }

    private void Add(NickOwner owner)
    {
        _byNick[owner.Nick] = owner;
        _bySkeleton.TryAdd(NickSkeleton.Of(owner.Nick), owner);
    }
}
