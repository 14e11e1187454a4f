using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TermChat.Client.App;
using TermChat.Protocol.Text;

namespace TermChat.Client.Plain;

/// <summary>Turns scrollback entries into the lines plain mode prints: readable text, or one JSON object per line.</summary>
internal sealed class PlainFormatter(bool json, TimeZoneInfo timeZone)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Whether the line belongs on the error stream (text mode errors only).</summary>
    public bool IsError(ChatEntry entry) => !json && entry.Kind == EntryKind.Error;

    public string Format(ChatEntry entry) => json ? FormatJson(entry) : FormatText(entry);

    /// <summary>The JSON "type" of an entry.</summary>
    public static string TypeName(EntryKind kind) => kind.ToString().ToLowerInvariant();

    private string FormatText(ChatEntry entry)
    {
        string time = TimeZoneInfo.ConvertTime(entry.Time, timeZone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        string text = OneLine(entry.Text);
        string from = OneLine(entry.From ?? "");
        string room = entry.Room is null ? "" : OneLine(entry.Room) + " ";
        return entry.Kind switch
        {
            EntryKind.Message => $"[{time}] {room}<{from}> {text}",
            EntryKind.Action => $"[{time}] {room}* {from} {text}",
            EntryKind.Private when entry.IsOwn => $"[{time}] -> *{OneLine(entry.To ?? "")}* {text}",
            EntryKind.Private => $"[{time}] *{from}* {text}",
            EntryKind.Error => $"[{time}] !!! error: {text}",
            _ => $"[{time}] {room}-!- {text}",
        };
    }

    private static string FormatJson(ChatEntry entry)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", TypeName(entry.Kind));
            writer.WriteString("time", entry.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            WriteNullable(writer, "room", entry.Room);
            WriteNullable(writer, "from", entry.From);
            writer.WriteString("text", TextSanitizer.Sanitize(entry.Text));
            if (entry.Seq is { } seq)
            {
                writer.WriteNumber("seq", seq);
            }
            else
            {
                writer.WriteNull("seq");
            }
            if (entry.To is not null)
            {
                writer.WriteString("to", TextSanitizer.Sanitize(entry.To));
            }
            if (entry.Detail is not null)
            {
                writer.WriteString("detail", TextSanitizer.Sanitize(entry.Detail));
            }
            if (entry.IsOwn)
            {
                writer.WriteBoolean("own", true);
            }
            if (entry.IsMention)
            {
                writer.WriteBoolean("mention", true);
            }
            if (entry.IsReplay)
            {
                writer.WriteBoolean("replay", true);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, TextSanitizer.Sanitize(value));
        }
    }

    // One event is one line: line breaks inside a message become a visible mark.
    private static string OneLine(string text)
    {
        string clean = TextSanitizer.Sanitize(text);
        return clean.Contains('\n', StringComparison.Ordinal) ? clean.Replace("\n", " \u23ce ", StringComparison.Ordinal) : clean;
    }
}
