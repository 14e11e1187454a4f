using System.Text.Json;
using System.Text.Json.Serialization;

namespace TermChat.LoadGen.Reporting;

/// <summary>
/// The benchmark document's JSON contract, generated at compile time so that trimmed and AOT builds of
/// `termchat` keep it: camelCase names, numbers as numbers (NaN and infinities by name), nulls left out.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchDocument))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
