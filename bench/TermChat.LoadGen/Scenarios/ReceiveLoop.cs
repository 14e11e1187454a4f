using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using TermChat.LoadGen.Net;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>The receive loop of one connection: fill the buffer, scan it in place, answer PINGs.</summary>
internal static class ReceiveLoop
{
    public static async Task RunAsync(BenchConnection connection, IStreamScanner scanner, Receiver receiver, CancellationToken cancellationToken)
    {
        var replies = new ArrayBufferWriter<byte>(64);
        try
        {
            while (true)
            {
                receiver.NowTicks = Stopwatch.GetTimestamp();
                connection.Start += scanner.Scan(connection.Unread, receiver, replies);
                if (replies.WrittenCount > 0)
                {
                    connection.Send(replies.WrittenSpan);
                    replies.ResetWrittenCount();
                }
                if (!await connection.FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    receiver.Failure ??= scanner.LastError is { } error ? $"server closed the connection ({error})" : "server closed the connection";
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or InvalidDataException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                receiver.Failure ??= scanner.LastError is { } error ? $"{exception.Message} ({error})" : exception.Message;
            }
        }
    }
}
