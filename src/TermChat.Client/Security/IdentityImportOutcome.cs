namespace TermChat.Client.Security;

/// <summary>What importing a key did to the identity file.</summary>
public enum IdentityImportOutcome
{
    /// <summary>There was no identity; the imported key is it now.</summary>
    Created,

    /// <summary>The identity already was the imported key; nothing was written.</summary>
    Unchanged,

    /// <summary>Another key (or an unusable file) was replaced, as asked.</summary>
    Replaced,
}
