using System.Text.Json;
using System.Text.Json.Serialization;

namespace TermChat.LoadGen.Reporting;

/// <summary>
/// The <c>--json</c> document: <c>{"scenario", "label", "target", "results": [...], "best"?}</c>, one
/// object per invocation on one line, so runs append to a JSON-lines file the report step reads back.
/// </summary>
public static class JsonOutput
{
    /// <summary>camelCase names, numbers as numbers, nulls left out.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Serialises one invocation's results.</summary>
    public static string Write(BenchDocument document) => JsonSerializer.Serialize(document, Options);

    /// <summary>Reads one line written by <see cref="Write"/>.</summary>
    public static BenchDocument Read(string json) =>
        JsonSerializer.Deserialize<BenchDocument>(json, Options) ?? throw new JsonException("An empty benchmark document.");
}
