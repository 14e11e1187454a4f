namespace TermChat.Server.Cluster;

/// <summary>
/// The server cannot join its cluster: no NATS server answered, the credentials or TLS were refused, or JetStream is
/// not enabled there. The message is one line for the user: it names the cluster, the URLs and the cause.
/// </summary>
public sealed class ClusterOpenException(string message, Exception? inner = null) : Exception(message, inner);
