using System.CommandLine;
using Microsoft.Extensions.Configuration;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>
/// `serve --config FILE`: a JSON object whose keys are serve's option names without the dashes
/// (<c>{"port": 7777, "motd": "hello", "flood-rate": 0}</c>). The values go through the same parser and validators
/// as the command line, so a file and a flag can never disagree about what is valid; flags given on the command line
/// win over the file.
/// </summary>
internal static class ServeConfigFile
{
    /// <summary>Options that make no sense in a file: the file itself, and help.</summary>
    private static readonly HashSet<string> s_notInFile = ["--config", "--help"];

    /// <summary>Reads <paramref name="path"/> and parses its settings as serve's options.</summary>
    /// <exception cref="UsageException">The file is missing, not JSON, names an unknown setting, or holds a bad value.</exception>
    public static ParseResult Load(Command serve, string path)
    {
        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
        }
        catch (FileNotFoundException)
        {
            throw new UsageException($"--config {OptionRules.Quote(path)}: no such file");
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new UsageException($"--config {OptionRules.Quote(path)} is not a JSON object of settings: {exception.InnerException?.Message ?? exception.Message}");
        }

        var tokens = new List<string>();
        foreach (var setting in file.GetChildren())
        {
            string name = "--" + setting.Key.ToLowerInvariant();
            var option = serve.Options.FirstOrDefault(o => o.Name == name && !s_notInFile.Contains(o.Name));
            if (option is null)
            {
                throw new UsageException($"--config {OptionRules.Quote(path)}: unknown setting {OptionRules.Quote(setting.Key)} (settings are serve's option names without the dashes, e.g. \"port\")");
            }
            if (setting.Value is null)
            {
                throw new UsageException($"--config {OptionRules.Quote(path)}: setting {OptionRules.Quote(setting.Key)} must be a single value, not an object or a list");
            }
            tokens.Add(name);
            tokens.Add(setting.Value);
        }
        var parsed = serve.Parse(tokens);
        if (parsed.Errors.Count > 0)
        {
            throw new UsageException($"--config {OptionRules.Quote(path)}: {CliErrors.Problem(parsed)}");
        }
        return parsed;
    }
}
