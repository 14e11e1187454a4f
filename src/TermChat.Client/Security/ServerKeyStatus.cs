namespace TermChat.Client.Security;

/// <summary>What <see cref="KnownServers.Check"/> found.</summary>
public enum ServerKeyStatus
{
    /// <summary>The key matches the pin.</summary>
    Known,
    /// <summary>First contact: the key is pinned now.</summary>
    New,
    /// <summary>The key differs from the pin: refused.</summary>
    Changed,
    /// <summary>The key differed and the user chose to trust it: the pin is replaced.</summary>
    Retrusted,
}
