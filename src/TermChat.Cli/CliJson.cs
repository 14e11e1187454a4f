using System.Text.Json;

namespace TermChat.Cli;

/// <summary>How the commands' <c>--json</c> output is written: indented, one document per run.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true };
}
