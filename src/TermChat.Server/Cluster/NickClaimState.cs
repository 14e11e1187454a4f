using TermChat.Server.Core;

namespace TermChat.Server.Cluster;

/// <summary>One nick key this node holds or is claiming. Guarded by the <see cref="ClusterNicks"/> lock.</summary>
internal sealed class NickClaimState(string key, string? tokenHash, Task<NickClaim> claiming, long startedAt)
{
    public string Key { get; } = key;

    /// <summary>The token hash the claim was asked for (a resume), or null; then the session bound to it.</summary>
    public string? TokenHash { get; set; } = tokenHash;

    /// <summary>Completes with the cluster's answer.</summary>
    public Task<NickClaim> Claiming { get; } = claiming;

    public long StartedAt { get; } = startedAt;

    /// <summary>The key's revision as this node last wrote it: every later write and the release expect it.</summary>
    public ulong Revision { get; set; }

    /// <summary>A session uses the claim (its state is kept under the key).</summary>
    public bool Bound { get; set; }

    /// <summary>The session's state still to be written, or null.</summary>
    public SessionRecord? Unwritten { get; set; }

    /// <summary>A write or the release is on its way; the flush loop picks up what is queued behind it.</summary>
    public bool Flushing { get; set; }

    /// <summary>The session ended: the key is deleted after any write on its way.</summary>
    public bool Released { get; set; }

    /// <summary>Another node wrote the key since: it is not this node's any more, and nothing is written or deleted.</summary>
    public bool Gone { get; set; }

    /// <summary>The nick whose owner binding the claim made (the client's key was the first), or null.</summary>
    public string? OwnerNick { get; set; }

    /// <summary>The revision of that binding: a claim given back unused gives the binding back too.</summary>
    public ulong OwnerCreated { get; set; }
}
