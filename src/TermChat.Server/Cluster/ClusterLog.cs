using Microsoft.Extensions.Logging;

namespace TermChat.Server.Cluster;

/// <summary>Source-generated log methods for the cluster link.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1501, LogLevel.Information, "Joined cluster {Name} through {Url} (stream {Stream}: {Rooms} rooms, stream seq {Entries} caught up)")]
    public static partial void Joined(ILogger logger, string name, string url, string stream, int rooms, ulong entries);

    [LoggerMessage(1502, LogLevel.Warning, "Lost the cluster link ({Reason}); room messages are refused until it is back")]
    public static partial void Lost(ILogger logger, string reason);

    [LoggerMessage(1503, LogLevel.Information, "The cluster link is back; room messages are taken again")]
    public static partial void Back(ILogger logger);

    [LoggerMessage(1504, LogLevel.Warning, "Publishing to {Room} failed ({Error}); retrying")]
    public static partial void PublishFailed(ILogger logger, string room, string error);

    [LoggerMessage(1505, LogLevel.Error, "The cluster stream delivered an entry that cannot be read ({Subject}, stream seq {Seq}): {Error}; skipped")]
    public static partial void Unreadable(ILogger logger, string subject, ulong seq, string error);

    [LoggerMessage(1507, LogLevel.Information, "stats: cluster connected={Connected} rtt_us={RttMicros} pending={Pending} stream_seq={StreamSeq} reconnects={Reconnects} commit_p50_us={CommitP50} commit_p99_us={CommitP99}")]
    public static partial void Stats(ILogger logger, bool connected, long rttMicros, int pending, ulong streamSeq, long reconnects, long commitP50, long commitP99);

    [LoggerMessage(1506, LogLevel.Error, "The cluster consumer stopped: {Error}; restarting it")]
    public static partial void ConsumerFailed(ILogger logger, string error);

    [LoggerMessage(1508, LogLevel.Warning, "Claiming the nick {Nick} on the cluster failed: {Error}")]
    public static partial void ClaimFailed(ILogger logger, string nick, string error);

    [LoggerMessage(1509, LogLevel.Warning, "Keeping the session of {Key} on the cluster failed ({Error}); retrying")]
    public static partial void ClaimWriteFailed(ILogger logger, string key, string error);

    [LoggerMessage(1510, LogLevel.Warning, "Following the cluster bucket {Bucket} failed ({Error}); retrying")]
    public static partial void WatchFailed(ILogger logger, string bucket, string error);

    [LoggerMessage(1511, LogLevel.Information, "The session of {Nick} ended: its server left the cluster and the resume window passed")]
    public static partial void SessionExpired(ILogger logger, string nick);

    [LoggerMessage(1512, LogLevel.Error, "A private message from another node on {Subject} cannot be read; it was answered as not delivered")]
    public static partial void PrivateUnreadable(ILogger logger, string subject);

    [LoggerMessage(1513, LogLevel.Warning, "JetStream did not answer in time while joining the cluster ({Error}); asking again")]
    public static partial void JoinSlow(ILogger logger, string error);

    [LoggerMessage(1514, LogLevel.Error, "The cluster bucket {Bucket} holds a value under {Key} that is not one of ours; it is ignored (it binds, bans or closes nothing)")]
    public static partial void RuleUnreadable(ILogger logger, string bucket, string key);

    [LoggerMessage(1515, LogLevel.Warning, "Writing {Key} to the cluster bucket {Bucket} failed ({Error}); retrying")]
    public static partial void RuleWriteFailed(ILogger logger, string bucket, string key, string error);
}
