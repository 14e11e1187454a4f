namespace TermChat.Server.Core;

/// <summary>A private message as delivered to both ends; not sequenced and not kept.</summary>
internal sealed class PrivateLine(string from, string to, long timeMs, string text)
{
    public string From { get; } = from;

    public string To { get; } = to;

    /// <summary>Wall-clock time, Unix milliseconds.</summary>
    public long TimeMs { get; } = timeMs;

    public string Text { get; } = text;

    /// <summary>The TermChat wire front end's frame, encoded once for the sender's echo and the receiver.</summary>
    internal byte[]? WireFrame;
}
