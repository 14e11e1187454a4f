using System.Text.Json;
using TermChat.Server.Core;

namespace TermChat.Server.Cluster;

/// <summary>
/// A private message between nodes: JSON with from, to, time_ms and text, written and read by hand (no reflection,
/// so Native AOT trims it safely). The answer is one word: <c>delivered</c>, <c>detached</c> (the recipient's connection
/// dropped and the session waits for a resume), or nothing (nobody on the receiving node uses the nick).
/// </summary>
internal static class PrivateWire
{
    public static byte[] Encode(PrivateLine line)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("from", line.From);
            json.WriteString("to", line.To);
            json.WriteNumber("time_ms", line.TimeMs);
            json.WriteString("text", line.Text);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static byte[] Answer(PrivateArrival arrival) => arrival switch
    {
        PrivateArrival.Delivered => "delivered"u8.ToArray(),
        PrivateArrival.Detached => "detached"u8.ToArray(),
        _ => [],
    };

    /// <summary>Reads an answer; anything else than the words of <see cref="Answer"/> is "nobody".</summary>
    public static PrivateArrival ReadAnswer(ReadOnlySpan<byte> answer) =>
        answer.SequenceEqual("delivered"u8) ? PrivateArrival.Delivered
        : answer.SequenceEqual("detached"u8) ? PrivateArrival.Detached
        : PrivateArrival.Nobody;

    /// <summary>Reads a message; null if it is not one.</summary>
    public static PrivateLine? Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            string? from = root.GetProperty("from").GetString();
            string? to = root.GetProperty("to").GetString();
            string? text = root.GetProperty("text").GetString();
            long timeMs = root.GetProperty("time_ms").GetInt64();
            return from is null || to is null || text is null ? null : new PrivateLine(from, to, timeMs, text);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
