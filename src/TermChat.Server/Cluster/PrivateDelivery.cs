using TermChat.Server.Core;

namespace TermChat.Server.Cluster;

/// <summary>A private message on its way to a user on another node, until that node answers (or is given up on).</summary>
internal sealed class PrivateDelivery(PrivateLine line, string node, Action<string> undelivered)
{
    public PrivateLine Line { get; } = line;

    /// <summary>The node it goes to; another one if the user turns out to have moved there.</summary>
    public string Node { get; set; } = node;

    /// <summary>Told once, with a sentence for the sender, if the message was not delivered.</summary>
    public Action<string> Undelivered { get; } = undelivered;

    /// <summary>The token its answer comes back under.</summary>
    public long Id { get; set; }

    /// <summary>When it was sent (monotonic timestamp), for giving up on a node that does not answer.</summary>
    public long SentAt { get; set; }

    /// <summary>Nodes tried so far.</summary>
    public int Attempts { get; set; }
}
