namespace TermChat.Protocol;

/// <summary>A room member as listed to clients. An empty <paramref name="Away"/> means present.</summary>
public readonly record struct Member(string Nick, string Away)
{
    /// <summary>Whether the member is marked away.</summary>
    public bool IsAway => Away.Length > 0;
}
