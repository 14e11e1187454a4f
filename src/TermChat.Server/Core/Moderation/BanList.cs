using System.Net;
using TermChat.Protocol;
using TermChat.Server.Core.Identity;

namespace TermChat.Server.Core.Moderation;

/// <summary>
/// The server's bans: by key fingerprint, by nick (and its look-alikes) or by IP/CIDR, each until lifted or for a
/// while. Guarded by the core's lock.
/// </summary>
internal sealed class BanList
{
    private readonly Dictionary<string, (Ban Ban, IPNetwork? Network)> _bans = new(StringComparer.OrdinalIgnoreCase);
    private readonly IBanStore? _store;

    /// <param name="store">Where bans are kept across restarts; null keeps them in memory (--ephemeral).</param>
    public BanList(IBanStore? store)
    {
        _store = store;
        if (store is null) return;
        foreach (var ban in store.LoadBans())
        {
            if (TryParse(ban.Target, out _, out var network, out _)) _bans[ban.Target] = (ban, network);
        }
    }

    public int Count => _bans.Count;

    /// <summary>
    /// Reads an operator's ban target: a key fingerprint (it holds a ':' and is not an address, as <c>SHA256:…</c>), an
    /// IP address or CIDR block, or a nick.
    /// </summary>
    public static bool TryParse(string target, out BanKind kind, out IPNetwork? network, out string problem)
    {
        problem = "";
        network = null;
        kind = BanKind.Nick;
        if (IPNetwork.TryParse(target, out var block))
        {
            kind = BanKind.Address;
            network = block;
            return true;
        }
        if (IPAddress.TryParse(target, out var address))
        {
            kind = BanKind.Address;
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        if (target.Contains(':', StringComparison.Ordinal))
        {
            kind = BanKind.Key;
            return true;
        }
        if (NameRules.IsValidNick(target, out _)) return true;
        problem = $"'{target}' is not a nick, a key fingerprint or an IP/CIDR.";
        return false;
    }

    /// <summary>Adds (or replaces) a ban.</summary>
    public void Add(Ban ban)
    {
        Apply(ban);
        _store?.SaveBan(ban);
    }

    /// <summary>Lifts the ban on exactly <paramref name="target"/>.</summary>
    public bool Remove(string target)
    {
        if (!_bans.Remove(target)) return false;
        _store?.DeleteBan(target);
        return true;
    }

    /// <summary>The ban on exactly <paramref name="target"/>, lapsed or not, if any.</summary>
    public Ban? Find(string target) => _bans.TryGetValue(target, out var entry) ? entry.Ban : null;

    /// <summary>Takes a ban made on another server (a cluster); nothing is written to the store, which reported it.</summary>
    public void Apply(Ban ban)
    {
        TryParse(ban.Target, out _, out var network, out _);
        _bans[ban.Target] = (ban, network);
    }

    /// <summary>Forgets a ban lifted (or lapsed) on another server; nothing is written to the store.</summary>
    public void Forget(string target) => _bans.Remove(target);

    /// <summary>The ban that keeps out a client with this nick, key and address at <paramref name="nowMs"/>, if any.</summary>
    public Ban? Match(string nick, string? fingerprint, IPAddress? address, long nowMs)
    {
        if (_bans.Count == 0) return null;
        string? skeleton = null;
        List<string>? lapsed = null;
        Ban? found = null;
        foreach (var (target, (ban, network)) in _bans)
        {
            if (ban.ExpiresMs is { } expires && expires <= nowMs)
            {
                (lapsed ??= []).Add(target);
                continue;
            }
            bool hit = ban.Kind switch
            {
                BanKind.Key => fingerprint is not null && string.Equals(fingerprint, target, StringComparison.Ordinal),
                BanKind.Address => address is not null && network is { } block && block.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address),
                _ => NameRules.NickComparer.Equals(nick, target) || (skeleton ??= NickSkeleton.Of(nick)) == NickSkeleton.Of(target),
            };
            if (hit)
            {
                found = ban;
                break;
            }
        }
        foreach (string target in lapsed ?? []) Remove(target);
        return found;
    }
}
