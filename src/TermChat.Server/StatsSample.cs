namespace TermChat.Server;

/// <summary>Rates over one sampling interval.</summary>
public readonly record struct StatsSample(long FramesInPerSecond, long FramesOutPerSecond, long BytesInPerSecond, long BytesOutPerSecond, long SendQueuePeak);
