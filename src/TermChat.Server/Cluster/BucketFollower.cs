using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace TermChat.Server.Cluster;

/// <summary>Follows a key-value bucket for as long as a node runs: every current value first, then every change.</summary>
internal static class BucketFollower
{
    /// <summary>
    /// Hands <paramref name="onEntry"/> each key's current value (deletions included), then each change, in order. A
    /// watch that fails is started again after <paramref name="retry"/>: it then reports every current value again, so
    /// what changed meanwhile is not missed, and <paramref name="onEntry"/> must take a value it has seen without effect.
    /// </summary>
    public static async Task FollowAsync(INatsKVStore bucket, Action<NatsKVEntry<byte[]>> onEntry, TimeSpan retry, TimeProvider time, ILogger logger,
        CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var entry in bucket.WatchAsync<byte[]>(opts: new NatsKVWatchOpts(), cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    onEntry(entry);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NatsException or NatsKVException or TimeoutException or OperationCanceledException)
            {
                ClusterLog.WatchFailed(logger, bucket.Bucket, e.Message);
            }
            try
            {
                await Task.Delay(retry, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
