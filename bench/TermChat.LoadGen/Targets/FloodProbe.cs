using System.Buffers;
using System.Net;
using TermChat.LoadGen.Scenarios;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// Asks a TermChat server, before a load test, whether its flood control would throttle the generator. Every
/// frame but Pong counts against a connection's token bucket (PROTOCOL.md section 11), so a burst of Pings is
/// answered either by as many Pongs or by an Error Flood notice. With flood control on (by default 10 frames at
/// once, then 5 a second) a load test would measure the throttle, not the server: 0 deliveries/s and heavy "loss".
/// </summary>
public static class FloodProbe
{
    /// <summary>Pings sent at once: far above any flood burst meant for people, far below a load test.</summary>
    public const int Burst = 100;

    /// <summary>
    /// Connects to the TermChat server at <paramref name="endpoint"/> and sends <see cref="Burst"/> pings at once.
    /// Blocking, like every connect of the generator.
    /// </summary>
    /// <returns>The server's flood notice when it throttled the burst; null when every ping was answered.</returns>
    public static string? Check(EndPoint endpoint, CancellationToken cancellationToken)
    {
        using var connection = new TermChatTcpTarget().Connect(endpoint, new ClientNames().For('f', 0), ConnectRole.Idle, cancellationToken);
        var pings = new ArrayBufferWriter<byte>(Burst * 16);
        for (int i = 1; i <= Burst; i++)
        {
            FrameEncoder.Write(pings, new Ping((ulong)i));
        }
        connection.Send(pings.WrittenSpan);
        using var watchdog = connection.Watchdog(BenchTarget.HandshakeTimeout);
        using var abort = cancellationToken.Register(connection.Abort);
        int pongs = 0;
        while (pongs < Burst)
        {
            switch (TermChatTcpTarget.ReadFrame(connection))
            {
                case Pong:
                    pongs++;
                    break;
                case Error { Code: ErrorCode.Flood } flood:
                    return flood.Text;
                case Ping ping:
                    var pong = new ArrayBufferWriter<byte>(16);
                    FrameEncoder.Write(pong, new Pong(ping.Nonce));
                    connection.Send(pong.WrittenSpan);
                    break;
            }
        }
        return null;
    }
}
