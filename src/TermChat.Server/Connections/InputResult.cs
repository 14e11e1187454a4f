namespace TermChat.Server.Connections;

/// <summary>What processing the received bytes led to.</summary>
internal enum InputResult
{
    /// <summary>Every complete frame was handled; read more.</summary>
    NeedMore,
    /// <summary>Flood control holds a frame back; stop reading until the delay has passed.</summary>
    Throttled,
    /// <summary>The connection is closing; stop handling its frames.</summary>
    Closing,
}
