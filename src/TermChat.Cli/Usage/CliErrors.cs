using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TermChat.Cli.Usage;

/// <summary>
/// The one place where bad input becomes output. Parse errors from System.CommandLine, our validators and
/// <see cref="UsageException"/> all print one line, "termchat CMD: problem; see 'termchat CMD --help'", and exit
/// with <see cref="ExitUsage"/>; any other failure prints one line and exits with 1, without a stack trace.
/// </summary>
internal static partial class CliErrors
{
    /// <summary>Exit code for bad arguments, the same for every command.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code for an unexpected failure.</summary>
    public const int ExitFailure = 1;

    /// <summary>Set to 1 to print the stack trace of an unexpected failure.</summary>
    public const string DebugVariable = "TERMCHAT_DEBUG";

    /// <summary>The line for a parse result with errors: the first problem only, since later ones often follow from it.</summary>
    public static string Describe(ParseResult parseResult) => Line(parseResult.CommandResult, Problem(parseResult));

    /// <summary>"termchat CMD: problem; see 'termchat CMD --help'".</summary>
    public static string Line(CommandResult command, string problem)
    {
        string path = CommandPath(command);
        return $"{path}: {OneLine(problem).TrimEnd('.')}; see '{path} --help'";
    }

    /// <summary>One line for an exception nobody expected; the stack trace only when <see cref="DebugVariable"/> is set.</summary>
    public static string Unexpected(CommandResult command, Exception exception) =>
        Environment.GetEnvironmentVariable(DebugVariable) is { Length: > 0 }
            ? $"{CommandPath(command)}: {exception}"
            : $"{CommandPath(command)}: unexpected error: {OneLine(exception.Message).TrimEnd('.')} ({exception.GetType().Name}; set {DebugVariable}=1 for details)";

    /// <summary>The first problem of a parse result, in words, without the command path.</summary>
    public static string Problem(ParseResult parseResult)
    {
        // An unknown option in front of an optional argument is taken as that argument, and System.CommandLine then
        // blames the next word; the word the user got wrong is the one that looks like an option.
        if (UnknownOption(parseResult) is { } unknown)
        {
            return $"unknown option {OptionRules.Quote(unknown)}";
        }
        if (parseResult.Errors.Count == 0)
        {
            return "invalid arguments";
        }
        var error = parseResult.Errors[0];
        if (error.SymbolResult is CommandResult { Command: { Action: null, Subcommands.Count: > 0 } needsOne })
        {
            return "choose a command: " + string.Join(", ", needsOne.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        }
        if (OptionOf(error.SymbolResult) is { } option && NotANumber(option) is { } problem)
        {
            return problem;
        }
        if (error.SymbolResult is ArgumentResult { Parent: CommandResult, Tokens.Count: 0 } missing)
        {
            return $"the {missing.Argument.Name} is missing";
        }
        if (UnrecognizedToken().Match(error.Message) is { Success: true } unmatched)
        {
            return $"unexpected argument {OptionRules.Quote(unmatched.Groups[1].Value)}";
        }
        string message = OneLine(error.Message);
        if (NotAmong().Match(message) is { Success: true } notAmong && OptionOf(error.SymbolResult) is { } choice)
        {
            return $"{choice.Option.Name} {OptionRules.Quote(notAmong.Groups[1].Value)} is not one of: {notAmong.Groups[2].Value.Replace("' '", ", ", StringComparison.Ordinal).Trim('\'', ' ')}";
        }
        return OptionOf(error.SymbolResult) is { } named && !message.Contains(named.Option.Name, StringComparison.Ordinal)
            ? $"{named.Option.Name}: {message}"
            : message;
    }

    private static string? UnknownOption(ParseResult parseResult)
    {
        var commandArguments = parseResult.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(token => token.Value);
        return commandArguments.Concat(parseResult.UnmatchedTokens)
            .FirstOrDefault(value => value.Length > 1 && value[0] == '-' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }

    private static OptionResult? OptionOf(SymbolResult? result) => result switch
    {
        OptionResult option => option,
        ArgumentResult { Parent: OptionResult option } => option,
        _ => null,
    };

    // "Cannot parse argument 'abc' for option '--size' as expected type 'System.Int32'" names a .NET type; say it in words.
    private static string? NotANumber(OptionResult result)
    {
        var type = result.Option.ValueType;
        type = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        Func<string, bool> parses;
        string expected;
        if (type == typeof(int))
        {
            (parses, expected) = (text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), "a whole number");
        }
        else if (type == typeof(long))
        {
            (parses, expected) = (text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), "a whole number");
        }
        else if (type == typeof(double))
        {
            (parses, expected) = (text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _), "a number");
        }
        else
        {
            return null;
        }
        if (result.Tokens.Count == 0)
        {
            return $"{result.Option.Name} needs a value ({expected})";
        }
        if (result.Tokens.FirstOrDefault(t => !parses(t.Value)) is not { } bad)
        {
            return null;
        }
        return double.TryParse(bad.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"{result.Option.Name} {OptionRules.Quote(bad.Value)} is out of range"
            : $"{result.Option.Name} expects {expected}, not {OptionRules.Quote(bad.Value)}";
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? at = command; at is CommandResult result; at = result.Parent)
        {
            names.Add(result.Parent is null ? "termchat" : result.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    private static string OneLine(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex Whitespace();

    [GeneratedRegex("^Argument '(.*)' not recognized\\. Must be one of: (.*)$")]
    private static partial Regex NotAmong();

    [GeneratedRegex("^Unrecognized command or argument '(.*)'")]
    private static partial Regex UnrecognizedToken();
}
