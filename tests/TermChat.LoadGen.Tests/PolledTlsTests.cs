using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using TermChat.LoadGen.Net;
using TermChat.Protocol.Security;

namespace TermChat.LoadGen.Tests;

/// <summary>
/// A bench connection read the polling receiver's way over TLS: one receive per readable poll, then SslStream drained.
/// </summary>
public class PolledTlsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // 300 records of 1,000 bytes reach the client in a few segments and then nothing more arrives: a record left inside
    // SslStream or the transport after a poll would never be announced by the socket again, and the loop would stall.
    [Fact]
    public async Task Every_record_of_a_burst_is_read_with_one_receive_per_readable_poll_and_the_end_is_reported()
    {
        const int Records = 300;
        const int RecordBytes = 1000;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var serverKey = KeyFile.CreateEphemeral();
        using var sendAll = new SemaphoreSlim(0);
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverKey, EnabledSslProtocols = SslProtocols.Tls13 });
            await sendAll.WaitAsync(Timeout);
            var record = new byte[RecordBytes];
            for (int i = 0; i < Records; i++)
            {
                record.AsSpan().Fill((byte)i);
                await tls.WriteAsync(record);
            }
            await tls.ShutdownAsync();
            socket.Shutdown(SocketShutdown.Send);
            // Keep the socket open until the client has read to the end.
            await Task.Delay(Timeout);
        });

        using var connection = await Task.Run(() =>
        {
            var c = BenchConnection.Connect((IPEndPoint)listener.LocalEndpoint, 64 * 1024);
            c.StartTls();
            return c;
        }).WaitAsync(Timeout);
        sendAll.Release();

        var received = new List<byte>();
        bool ended = false;
        var deadline = Stopwatch.GetTimestamp() + (long)(Timeout.TotalSeconds * Stopwatch.Frequency);
        // As the polling receiver does: what the handshake left first, then only sockets that poll readable.
        void Drain()
        {
            while (connection.TryFillTls(out ended))
            {
                received.AddRange(connection.Unread);
                connection.Start = connection.End;
            }
        }
        await Task.Run(() =>
        {
            Drain();
            while (!ended && Stopwatch.GetTimestamp() < deadline)
            {
                if (!connection.Socket.Poll(100_000, SelectMode.SelectRead)) continue;
                connection.ReceiveTls();
                Drain();
            }
        }).WaitAsync(Timeout);

        Assert.True(ended, $"the end of the stream was not reported; {received.Count:N0} of {Records * RecordBytes:N0} bytes read");
        Assert.Equal(Records * RecordBytes, received.Count);
        Assert.All(Enumerable.Range(0, Records), i => Assert.Equal((byte)i, received[i * RecordBytes + RecordBytes - 1]));
        Assert.False(server.IsFaulted, server.Exception?.ToString());
    }
}
