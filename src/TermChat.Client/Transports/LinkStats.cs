namespace TermChat.Client.Transports;

/// <summary>What a link knows about its own quality.</summary>
/// <param name="RttMs">Smoothed round-trip time in milliseconds, or null if not measured yet.</param>
/// <param name="LossPercent">Packet loss in percent over the recent window, or null where the transport cannot see loss (TCP).</param>
public readonly record struct LinkStats(double? RttMs, double? LossPercent);
