using System.Net;
using System.Net.Sockets;
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
    /// <remarks>
    /// Blocking on purpose (run it on a dedicated thread, see <see cref="Scenarios.ConnectWorkers"/>): a
    /// socket that never sees an async operation is never registered with .NET's epoll engine, whose
    /// thread would otherwise wake for every arrival on every subscriber during the run.
    /// </remarks>
    public abstract BenchConnection Connect(EndPoint endpoint, string clientName, ConnectRole role, CancellationToken cancellationToken);

    /// <summary>The most bytes <see cref="WriteMessage"/> writes for a text of <paramref name="textBytes"/>.</summary>
    public abstract int MaxMessageBytes(int textBytes);

    /// <summary>Writes one message carrying <paramref name="text"/> to the room; returns the bytes written.</summary>
    public abstract int WriteMessage(Span<byte> destination, ReadOnlySpan<byte> text);

    /// <summary>A fresh scanner for one connection's incoming bytes.</summary>
    public abstract IStreamScanner CreateScanner();

    /// <summary>
    /// What this protocol's clients send when their user quits, sent by every client at the end of a fan-out run: a server
    /// that keeps a dropped session for a resume (TermChat, 60 s) then ends the sessions at once, as for users who quit,
    /// instead of ending them all together a minute later, in the middle of a later run. Nothing by default: a server
    /// that ends a session when its connection closes needs no goodbye.
    /// </summary>
    public virtual ReadOnlyMemory<byte> Goodbye => ReadOnlyMemory<byte>.Empty;

    /// <summary>How long one connection may take to connect and complete its handshake.</summary>
    public static TimeSpan HandshakeTimeout { get; } = TimeSpan.FromSeconds(15);

    /// <summary>Connects and runs <paramref name="handshake"/> with blocking calls, bounded by <see cref="HandshakeTimeout"/>.</summary>
    protected static BenchConnection ConnectWithTimeout(EndPoint endpoint, ConnectRole role, Action<BenchConnection> handshake, CancellationToken cancellationToken)
    {
        // Idle connections come by the ten thousand: a small buffer each keeps the generator's memory sane.
        int bufferBytes = role == ConnectRole.Idle ? 16 * 1024 : 256 * 1024;
        var connection = BenchConnection.Connect(endpoint, bufferBytes);
        var watchdog = connection.Watchdog(HandshakeTimeout);
        var abort = cancellationToken.Register(connection.Abort);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            handshake(connection);
            return connection;
        }
        catch (Exception exception) when (exception is SocketException or IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            connection.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) >= HandshakeTimeout)
            {
                throw new TimeoutException($"The handshake with {endpoint} did not finish within {HandshakeTimeout.TotalSeconds:0} s.");
            }
            throw;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        finally
        {
            watchdog.Dispose();
            abort.Dispose();
        }
    }
}
