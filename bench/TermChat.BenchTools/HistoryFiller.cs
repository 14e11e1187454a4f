using System.Buffers;
using System.Net;
using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.BenchTools;

/// <summary>
/// Fills a running server's history over the protocol, for the restart benchmark (bench/run-durable.sh): clients
/// of 50 rooms each join their rooms, send the messages and wait for every echo, so that all of it is in the data
/// file (a server echoes a message only once it is stored). Then they leave with Bye.
/// </summary>
internal sealed class HistoryFiller(IPEndPoint server, int rooms, int entriesPerRoom, int textBytes)
{
    private const int RoomsPerClient = 50;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var clients = Enumerable.Range(0, (rooms + RoomsPerClient - 1) / RoomsPerClient)
            .Select(c => FillAsync(c, Enumerable.Range(c * RoomsPerClient, Math.Min(RoomsPerClient, rooms - c * RoomsPerClient)).Select(r => $"#room{r:d4}").ToArray(), cancellationToken));
        await Task.WhenAll(clients).ConfigureAwait(false);
    }

    private async Task FillAsync(int index, string[] roomNames, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        string nick = $"filler{index}";
        int expectedEchoes = roomNames.Length * entriesPerRoom;
        var reading = ReadUntilAsync(socket, nick, expectedEchoes, cancellationToken);
        var writer = new ArrayBufferWriter<byte>();
        FrameEncoder.Write(writer, new Hello(ProtocolLimits.Version, nick, default, Array.Empty<RoomCursor>()));
        foreach (string room in roomNames) FrameEncoder.Write(writer, new JoinRoom(room));
        await socket.SendAsync(writer.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        string padding = new('x', Math.Max(0, textBytes - 16));
        for (int entry = 0; entry < entriesPerRoom; entry++)
        {
            writer.Clear();
            foreach (string room in roomNames) FrameEncoder.Write(writer, new SendMessage(room, MessageKind.Say, $"{entry:d4} {padding}"));
            await socket.SendAsync(writer.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        await reading.ConfigureAwait(false);
        await socket.SendAsync(FrameEncoder.ToArray(new Bye("filled")), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadUntilAsync(Socket socket, string nick, int echoes, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[256 * 1024];
        int filled = 0;
        int seen = 0;
        while (seen < echoes)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new IOException($"The server closed {nick}'s connection after {seen} of {echoes} echoes.");
            filled += read;
            int offset = 0;
            while (FrameDecoder.TryRead(buffer.AsSpan(offset, filled - offset), ProtocolLimits.MaxFrameBytes, out var message, out int consumed))
            {
                offset += consumed;
                if (message is RoomMessage { Replay: false } echo && echo.From == nick) seen++;
                if (message is Error { Code: not ErrorCode.ResumeRejected } error) throw new IOException($"{nick}: {error.Code}: {error.Text}");
                if (message is Ping ping) await socket.SendAsync(FrameEncoder.ToArray(new Pong(ping.Nonce)), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
            filled -= offset;
        }
    }
}
