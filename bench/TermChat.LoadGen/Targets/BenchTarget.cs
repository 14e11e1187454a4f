using System.Net;
using TermChat.LoadGen.Net;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// One kind of server the load generator can drive: how to connect and subscribe, how to frame a
/// message for sending, and how to find delivered messages in the bytes it sends back.
/// </summary>
public abstract class BenchTarget
{
    /// <summary>The benchmark room / channel / subject name.</summary>
    public const string Room = "bench";

    /// <summary>The name used with <c>--target</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the server relays messages between clients (everything but echo).</summary>
    public virtual bool Relays => true;

    /// <summary>
    /// Handshakes in flight at once when opening many connections. A relay without a handshake gives no
    /// sign it has registered a client, and <c>ncat --chat</c> drops some clients that arrive together.
    /// </summary>
    public virtual int MaxConcurrentConnects => 32;

    /// <summary>Whether a sender also receives its own room messages (and must drain them).</summary>
    public virtual bool EchoesToSender => false;

    /// <summary>
    /// Connects one client and completes its handshake for <paramref name="role"/>; when it returns, a
    /// subscriber receives every message published after this point.
    /// </summary>
    public abstract Task<BenchConnection> ConnectAsync(EndPoint endpoint, string clientName, ConnectRole role, CancellationToken cancellationToken);

    /// <summary>The most bytes <see cref="WriteMessage"/> writes for a text of <paramref name="textBytes"/>.</summary>
    public abstract int MaxMessageBytes(int textBytes);

    /// <summary>Writes one message carrying <paramref name="text"/> to the room; returns the bytes written.</summary>
    public abstract int WriteMessage(Span<byte> destination, ReadOnlySpan<byte> text);

    /// <summary>A fresh scanner for one connection's incoming bytes.</summary>
    public abstract IStreamScanner CreateScanner();

    /// <summary>Connect timeouts and errors are reported with this one-line context.</summary>
    protected static async Task<BenchConnection> ConnectWithTimeoutAsync(EndPoint endpoint, ConnectRole role, Func<BenchConnection, CancellationToken, Task> handshake, CancellationToken cancellationToken)
    {
        // Idle connections come by the ten thousand: a small buffer each keeps the generator's memory sane.
        int bufferBytes = role == ConnectRole.Idle ? 16 * 1024 : 256 * 1024;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var connection = await BenchConnection.ConnectAsync(endpoint, bufferBytes, timeout.Token).ConfigureAwait(false);
        try
        {
            await handshake(connection, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            connection.Dispose();
            throw new TimeoutException($"The handshake with {endpoint} did not finish within 30 s.");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
