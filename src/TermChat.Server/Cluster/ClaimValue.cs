using System.Text.Json;
using TermChat.Server.Core;

namespace TermChat.Server.Cluster;

/// <summary>
/// What a nick's key in the cluster's nicks bucket holds: the node that claimed it and, once a session uses it, the
/// session's state (nick, rooms, away, key, token hash), so that a resume on another node can take it over. JSON,
/// written and read by hand (no reflection, so Native AOT trims it safely).
/// </summary>
/// <param name="Node">The claiming node's id (<see cref="ClusterLink.NodeId"/>).</param>
/// <param name="Session">The session using the nick, or null while a registration is under way.</param>
internal sealed record ClaimValue(string Node, SessionRecord? Session)
{
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("node", Node);
            if (Session is { } s)
            {
                json.WriteStartObject("session");
                json.WriteString("token_hash", s.TokenHash);
                json.WriteString("nick", s.Nick);
                json.WriteString("away", s.Away);
                json.WriteStartArray("rooms");
                foreach (string room in s.Rooms) json.WriteStringValue(room);
                json.WriteEndArray();
                if (s.DetachedMs is { } detached) json.WriteNumber("detached_ms", detached);
                if (s.KeyFingerprint is { } key) json.WriteString("key", key);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a value; null if it is not one (written by something else): such a key is treated as free of sessions.</summary>
    public static ClaimValue? Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            string node = root.GetProperty("node").GetString() ?? "";
            if (!root.TryGetProperty("session", out var s)) return new ClaimValue(node, null);
            var rooms = s.GetProperty("rooms").EnumerateArray().Select(room => room.GetString() ?? "").ToList();
            long? detached = s.TryGetProperty("detached_ms", out var d) ? d.GetInt64() : null;
            string? key = s.TryGetProperty("key", out var k) ? k.GetString() : null;
            return new ClaimValue(node, new SessionRecord(s.GetProperty("token_hash").GetString() ?? "", s.GetProperty("nick").GetString() ?? "",
                s.GetProperty("away").GetString() ?? "", rooms, detached, key));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
