using System.Net.Sockets;
using System.Text.RegularExpressions;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;

namespace TermChat.Protocol.Tests.Datagrams;

/// <summary>The hex examples in docs/PROTOCOL-DATAGRAMS.md are produced by the engine itself; this keeps them honest.</summary>
public partial class DatagramDocumentationTests
{
    private const ulong Nonce = 0x1122334455667788;
    private const long ServerStartMs = 1_000_000;

    /// <summary>Runs the documented exchange with fixed inputs and returns each datagram by example name.</summary>
    internal static Dictionary<string, byte[]> Examples()
    {
        var examples = new Dictionary<string, byte[]>();
        var buffer = new byte[DatagramLimits.MaxDatagramBytes];
        var reply = new byte[DatagramLimits.MaxDatagramBytes];
        // The client at 127.0.0.1:50000 as raw sockaddr_in bytes: family 2 (little-endian), port, address, zero padding.
        var clientAddress = new System.Net.SocketAddress(AddressFamily.InterNetwork, 16);
        Convert.FromHexString("0200C3507F0000010000000000000000").CopyTo(clientAddress.Buffer.Span);
        var secret = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var server = new DatagramServer(cookies: new CookieProtector(secret));
        var client = ReliableSession.CreateClient(null, 0, Nonce);

        int length = client.Poll(0, buffer);
        examples["initial-header"] = buffer[..DatagramLimits.HeaderBytes];
        Assert.Equal(DatagramLimits.InitialBytes, length);
        Assert.Equal(DatagramRoute.Reply, server.Route(buffer.AsSpan(0, length), clientAddress, ServerStartMs, reply, out int replyLength, out _));
        examples["retry"] = reply[..replyLength];
        client.OnDatagram(reply.AsSpan(0, replyLength), 20);

        length = client.Poll(20, buffer);
        examples["connect"] = buffer[..length];
        Assert.Equal(DatagramRoute.SessionCreated, server.Route(buffer.AsSpan(0, length), clientAddress, ServerStartMs + 10, reply, out _, out var session));
        length = session!.Poll(ServerStartMs + 10, buffer);
        examples["accept"] = buffer[..length];
        client.OnDatagram(buffer.AsSpan(0, length), 40);

        client.TrySend(FrameEncoder.ToArray(new Hello(1, "alice", ResumeToken.None, [])));
        length = client.Poll(40, buffer);
        examples["packet-hello"] = buffer[..length];
        server.Route(buffer.AsSpan(0, length), clientAddress, ServerStartMs + 50, reply, out _, out _);

        // The server's delayed acknowledgement, 25 ms later: nothing to send, so an ack-only packet.
        Assert.Equal(0, session.Poll(ServerStartMs + 74, buffer));
        length = session.Poll(ServerStartMs + 75, buffer);
        examples["packet-ack"] = buffer[..length];

        length = HandshakeCodec.WriteClose(buffer, session.SessionId, CloseCode.Normal);
        examples["close"] = buffer[..length];
        return examples;
    }

    [Fact]
    public void Every_hex_example_in_the_datagram_document_matches_the_engine()
    {
        var document = File.ReadAllText(FindDocument());
        var blocks = ExampleBlock().Matches(document).ToDictionary(m => m.Groups["name"].Value, m => Hex(m.Groups["hex"].Value));
        var examples = Examples();

        var report = string.Join("\n", examples.Select(e => $"{e.Key}: {Convert.ToHexString(e.Value)}"));
        Assert.True(examples.Keys.All(blocks.ContainsKey), "Missing examples; the engine produces:\n" + report);
        foreach (var (name, bytes) in examples)
        {
            Assert.True(Convert.ToHexString(bytes) == blocks[name], $"Example '{name}' differs; the engine produces:\n{report}");
        }
    }

    [Fact]
    public void The_documented_hello_packet_decodes_back_to_the_hello()
    {
        var packet = Examples()["packet-hello"];
        var frame = packet.AsSpan(DatagramLimits.PacketHeaderBytes + DatagramLimits.ChunkHeaderBytes);

        Assert.True(FrameDecoder.TryRead(frame, ProtocolLimits.MaxFrameBytes, out var message, out int consumed));
        Assert.Equal(frame.Length, consumed);
        Assert.Equal(new Hello(1, "alice", ResumeToken.None, []), message);
    }

    private static string Hex(string block) =>
        string.Concat(block.Split('\n').Select(line => line.Split('#')[0]).SelectMany(part => part.Where(char.IsAsciiHexDigit))).ToUpperInvariant();

    private static string FindDocument()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "PROTOCOL-DATAGRAMS.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("docs/PROTOCOL-DATAGRAMS.md was not found above the test directory.");
    }

    [GeneratedRegex(@"<!-- example: (?<name>[a-z-]+) -->\s*```hex\n(?<hex>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
