using System.Text.Json;
using TermChat.Protocol;
using TermChat.Server.History;

namespace TermChat.Server.Cluster;

/// <summary>
/// A room's modes and key as the cluster's access bucket holds them: JSON <c>{"room","modes","key"}</c> under the key
/// <see cref="ClusterRules.AccessKey"/> of the room. Written and read by hand (no reflection, so Native AOT trims it
/// safely).
/// </summary>
internal static class AccessValue
{
    public static byte[] ToBytes(string room, RoomAccess access)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("room", room);
            json.WriteNumber("modes", (int)access.Modes);
            json.WriteString("key", access.Key);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads the value under <paramref name="key"/>; null if it is not the access of a valid room with modes this build
    /// knows, or belongs under another key (written by hand or by a bug): such a value changes no room.
    /// </summary>
    public static (string Room, RoomAccess Access)? Parse(string key, ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            string room = root.GetProperty("room").GetString() ?? "";
            int modes = root.GetProperty("modes").GetInt32();
            string roomKey = root.GetProperty("key").GetString() ?? "";
            if (!NameRules.TryNormalizeRoom(room, out string name, out _) || name != room || ClusterRules.AccessKey(room) != key
                || (modes & ~(int)RoomAccess.KnownModes) != 0)
            {
                return null;
            }
            var flags = (RoomModeFlags)modes;
            return (room, flags == RoomModeFlags.None && roomKey.Length == 0 ? RoomAccess.Open : new RoomAccess(flags, roomKey));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
