using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Benchmarks;

/// <summary>
/// Encode and decode of a typical chat line (a RoomMessage with about 60 characters of text),
/// each beside naive peers doing the same job in the same run, so the figures read as ratios:
/// System.Text.Json (source-generated) and a BinaryWriter/BinaryReader hand-rolled format.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CodecBenchmarks
{
    private static readonly RoomMessage Message =
        new("#lobby", 123_456, 1_763_790_000_000, "alice", MessageKind.Say, "Has anyone tried the new build on the staging box yet? 👀", false);

    private readonly ArrayBufferWriter<byte> _writer = new(4096);
    private readonly MemoryStream _stream = new(4096);
    private BinaryWriter _binaryWriter = null!;
    private Utf8JsonWriter _jsonWriter = null!;
    private byte[] _frame = null!;
    private ReadOnlySequence<byte> _segmented;
    private byte[] _json = null!;
    private byte[] _binary = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = FrameEncoder.ToArray(Message);
        _segmented = Segments.Split(_frame, 3, 20, 40, 70);
        _json = JsonSerializer.SerializeToUtf8Bytes(Message, BenchJsonContext.Default.RoomMessage);
        _binaryWriter = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
        _jsonWriter = new Utf8JsonWriter(_writer);
        _stream.SetLength(0);
        WriteBinary(_binaryWriter, Message);
        _binary = _stream.ToArray();
    }

    [BenchmarkCategory("Encode"), Benchmark(Baseline = true)]
    public int Encode_TermChat()
    {
        _writer.ResetWrittenCount();
        return FrameEncoder.Write(_writer, Message);
    }

    [BenchmarkCategory("Encode"), Benchmark]
    public int Encode_SystemTextJson()
    {
        _writer.ResetWrittenCount();
        _jsonWriter.Reset(_writer);
        JsonSerializer.Serialize(_jsonWriter, Message, BenchJsonContext.Default.RoomMessage);
        return _writer.WrittenCount;
    }

    [BenchmarkCategory("Encode"), Benchmark]
    public long Encode_BinaryWriter()
    {
        _stream.SetLength(0);
        WriteBinary(_binaryWriter, Message);
        return _stream.Length;
    }

    [BenchmarkCategory("Decode"), Benchmark(Baseline = true)]
    public Message Decode_TermChat()
    {
        var buffer = new ReadOnlySequence<byte>(_frame);
        FrameDecoder.TryRead(ref buffer, ProtocolLimits.DefaultClientFrameBytes, out var message);
        return message;
    }

    [BenchmarkCategory("Decode"), Benchmark]
    public Message Decode_TermChat_FiveSegments()
    {
        var buffer = _segmented;
        FrameDecoder.TryRead(ref buffer, ProtocolLimits.DefaultClientFrameBytes, out var message);
        return message;
    }

    [BenchmarkCategory("Decode"), Benchmark]
    public Message Decode_SystemTextJson() => JsonSerializer.Deserialize(_json, BenchJsonContext.Default.RoomMessage)!;

    [BenchmarkCategory("Decode"), Benchmark]
    public Message Decode_BinaryReader()
    {
        using var reader = new BinaryReader(new MemoryStream(_binary, writable: false), Encoding.UTF8);
        return new RoomMessage(reader.ReadString(), reader.ReadUInt64(), reader.ReadInt64(), reader.ReadString(), (MessageKind)reader.ReadByte(), reader.ReadString(), reader.ReadBoolean());
    }

    private static void WriteBinary(BinaryWriter writer, RoomMessage m)
    {
        writer.Write(m.Room);
        writer.Write(m.Seq);
        writer.Write(m.TimeMs);
        writer.Write(m.From);
        writer.Write((byte)m.Kind);
        writer.Write(m.Text);
        writer.Write(m.Replay);
        writer.Flush();
    }
}
