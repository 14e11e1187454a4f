using System.Text.Json;

namespace TermChat.LoadGen.Reporting;

/// <summary>
/// The <c>--json</c> document: <c>{"scenario", "label", "target", "results": [...], "best"?}</c>, one
/// object per invocation on one line, so runs append to a JSON-lines file the report step reads back.
/// </summary>
public static class JsonOutput
{
    /// <summary>Serialises one invocation's results.</summary>
    public static string Write(BenchDocument document) => JsonSerializer.Serialize(document, BenchJsonContext.Default.BenchDocument);

    /// <summary>Reads one line written by <see cref="Write"/>.</summary>
    /// <exception cref="JsonException">The line is not a benchmark document.</exception>
    public static BenchDocument Read(string json) =>
        JsonSerializer.Deserialize(json, BenchJsonContext.Default.BenchDocument) ?? throw new JsonException("An empty benchmark document.");
}
