using System.Text.Json;
using TermChat.Protocol;
using TermChat.Server.Core.Identity;

namespace TermChat.Server.Cluster;

/// <summary>
/// A nick's binding to a key as the cluster's owners bucket holds it: JSON <c>{"nick","key","since_ms"}</c> under the key
/// <see cref="ClusterRules.OwnerKey"/> of the nick. Written and read by hand (no reflection, so Native AOT trims it safely).
/// </summary>
internal static class OwnerValue
{
    public static byte[] ToBytes(NickOwner owner)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("nick", owner.Nick);
            json.WriteString("key", owner.Fingerprint);
            json.WriteNumber("since_ms", owner.SinceMs);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads the value under <paramref name="key"/>; null if it is not a binding of a valid nick to a key, or is one of a
    /// nick that belongs under another key (written by hand or by a bug): such a value binds nothing.
    /// </summary>
    public static NickOwner? Parse(string key, ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            string nick = root.GetProperty("nick").GetString() ?? "";
            string fingerprint = root.GetProperty("key").GetString() ?? "";
            long since = root.GetProperty("since_ms").GetInt64();
            if (!NameRules.IsValidNick(nick, out _) || fingerprint.Length == 0 || ClusterRules.OwnerKey(nick) != key) return null;
            return new NickOwner(nick, fingerprint, since);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
