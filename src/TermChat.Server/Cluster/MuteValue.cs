using System.Text.Json;
using TermChat.Protocol;
using TermChat.Server.Core.Moderation;

namespace TermChat.Server.Cluster;

/// <summary>
/// A room mute as the cluster's access bucket holds it: JSON <c>{"room","nick","until_ms"?}</c> under the key
/// <see cref="ClusterRules.MuteKey"/> of the room and nick. The deadline is a number (wall-clock Unix ms; absent for a
/// mute until lifted), so a node reads it without parsing the Mute event's human text. Written and read by hand (no
/// reflection, so Native AOT trims it safely).
/// </summary>
internal static class MuteValue
{
    public static byte[] ToBytes(RoomMute mute)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("room", mute.Room);
            json.WriteString("nick", mute.Nick);
            if (mute.UntilMs != RoomMute.UntilUnmuted) json.WriteNumber("until_ms", mute.UntilMs);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads the value under <paramref name="key"/>; null if it is not a mute of a valid nick in a valid room with a
    /// positive deadline, or belongs under another key (written by hand or by a bug): such a value mutes nobody.
    /// </summary>
    public static RoomMute? Parse(string key, ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            string room = root.GetProperty("room").GetString() ?? "";
            string nick = root.GetProperty("nick").GetString() ?? "";
            long until = root.TryGetProperty("until_ms", out var u) ? u.GetInt64() : RoomMute.UntilUnmuted;
            if (!NameRules.TryNormalizeRoom(room, out string name, out _) || name != room || !NameRules.IsValidNick(nick, out _)
                || until <= 0 || ClusterRules.MuteKey(room, nick) != key)
            {
                return null;
            }
            return new RoomMute(room, nick, until);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
