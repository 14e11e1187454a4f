using System.Text.Json.Serialization;
using TermChat.Protocol.Messages;

namespace TermChat.Benchmarks;

/// <summary>Source-generated System.Text.Json metadata: the fastest JSON peer, for a fair comparison.</summary>
[JsonSerializable(typeof(RoomMessage))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
