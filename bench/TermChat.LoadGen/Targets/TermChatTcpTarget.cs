using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using TermChat.LoadGen.Net;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// TermChat over TCP. The handshake uses the protocol library (Hello, JoinRoom, PartRoom #lobby so
/// lobby joins of other benchmark clients are not fanned out to this one); the hot paths write
/// SendMessage frames and read RoomMessage frames in place with the same layout, checked against the
/// codec by tests. With TLS the same bytes travel inside SslStream (blocking, except the polling receiver's reads).
/// </summary>
/// <param name="tls">Whether to speak TLS 1.3 (target <c>termchat-tls</c>).</param>
public sealed class TermChatTcpTarget(bool tls = false) : BenchTarget
{
    /// <summary>The room the benchmark uses.</summary>
    public const string RoomName = "#" + Room;

    private static readonly byte[] s_roomBytes = Encoding.ASCII.GetBytes(RoomName);
    private static readonly byte[] s_bye = EncodeBye();

    /// <inheritdoc/>
    public override string Name => tls ? "termchat-tls" : "termchat";

    /// <inheritdoc/>
    public override bool EchoesToSender => true;

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte> Goodbye => s_bye;

    private static byte[] EncodeBye()
    {
        var writer = new ArrayBufferWriter<byte>(32);
        FrameEncoder.Write(writer, new Bye("bench run over"));
        return writer.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public override BenchConnection Connect(EndPoint endpoint, string clientName, ConnectRole role, CancellationToken cancellationToken) =>
        ConnectWithTimeout(endpoint, role, connection =>
        {
            if (tls) connection.StartTls();
            Handshake(connection, clientName, role);
        }, cancellationToken);

    private static void Handshake(BenchConnection connection, string nick, ConnectRole role)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        FrameEncoder.Write(writer, new Hello(ProtocolLimits.Version, nick, ResumeToken.None, ValueList<RoomCursor>.Empty));
        if (role != ConnectRole.Idle) FrameEncoder.Write(writer, new JoinRoom(RoomName));
        FrameEncoder.Write(writer, new PartRoom("#lobby", ""));
        connection.Send(writer.WrittenSpan);

        bool welcomed = false;
        while (true)
        {
            var message = ReadFrame(connection);
            switch (message)
            {
                case Welcome:
                    welcomed = true;
                    if (role == ConnectRole.Idle) return;
                    break;
                case RoomJoined joined when welcomed && joined.Room == RoomName:
                    return;
                case Error error:
                    string hint = error.Code is ErrorCode.TooManyConnections or ErrorCode.ServerFull
                        ? " (for a load test, raise the server's --max-per-ip and --max-clients)"
                        : "";
                    throw new InvalidOperationException($"TermChat refused {nick}: {error.Code} {error.Text}{hint}");
                case Bye bye:
                    throw new InvalidOperationException($"TermChat closed {nick}: {bye.Reason}");
                case Ping ping:
                    var pong = new ArrayBufferWriter<byte>(16);
                    FrameEncoder.Write(pong, new Pong(ping.Nonce));
                    connection.Send(pong.WrittenSpan);
                    break;
            }
        }
    }

    /// <summary>Reads one whole frame with the protocol library (handshakes and probes, not the hot path).</summary>
    internal static Message ReadFrame(BenchConnection connection)
    {
        while (true)
        {
            if (FrameDecoder.TryRead(connection.Unread, ProtocolLimits.MaxFrameBytes, out var message, out int consumed))
            {
                connection.Start += consumed;
                return message;
            }
            if (!connection.Fill())
            {
                throw new EndOfStreamException("TermChat closed the connection during the handshake.");
            }
        }
    }

    /// <inheritdoc/>
    public override int MaxMessageBytes(int textBytes) => ProtocolLimits.HeaderBytes + 2 + s_roomBytes.Length + 1 + 2 + textBytes;

    /// <summary>Writes a SendMessage(#bench, Say, text) frame, byte for byte what FrameEncoder writes.</summary>
    public override int WriteMessage(Span<byte> destination, ReadOnlySpan<byte> text)
    {
        int payload = 2 + s_roomBytes.Length + 1 + 2 + text.Length;
        BinaryPrimitives.WriteInt32BigEndian(destination, 1 + payload);
        destination[4] = (byte)MessageType.SendMessage;
        int at = 5;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)s_roomBytes.Length);
        at += 2;
        s_roomBytes.CopyTo(destination[at..]);
        at += s_roomBytes.Length;
        destination[at++] = (byte)MessageKind.Say;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)text.Length);
        at += 2;
        text.CopyTo(destination[at..]);
        return at + text.Length;
    }

    /// <inheritdoc/>
    public override IStreamScanner CreateScanner() => new TermChatFrameScanner();
}
