using System.Text.Json;
using TermChat.Server.Core.Moderation;

namespace TermChat.Server.Cluster;

/// <summary>
/// A ban as the cluster's bans bucket holds it: JSON <c>{"target","expires_ms"?,"reason","by"}</c> under the key
/// <see cref="ClusterRules.BanKey"/> of its target; what the target matches is read from the target itself, as an
/// operator's is. Written and read by hand (no reflection, so Native AOT trims it safely).
/// </summary>
internal static class BanValue
{
    public static byte[] ToBytes(Ban ban)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("target", ban.Target);
            if (ban.ExpiresMs is { } expires) json.WriteNumber("expires_ms", expires);
            json.WriteString("reason", ban.Reason);
            json.WriteString("by", ban.By);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads the value under <paramref name="key"/>; null if it is not a ban on a target an operator could give, or is
    /// one that belongs under another key (written by hand or by a bug): such a value bans nobody.
    /// </summary>
    public static Ban? Parse(string key, ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            string target = root.GetProperty("target").GetString() ?? "";
            long? expires = root.TryGetProperty("expires_ms", out var e) ? e.GetInt64() : null;
            string reason = root.GetProperty("reason").GetString() ?? "";
            string by = root.GetProperty("by").GetString() ?? "";
            if (!BanList.TryParse(target, out var kind, out _, out _) || ClusterRules.BanKey(target) != key) return null;
            return new Ban(kind, target, expires, reason, by);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
