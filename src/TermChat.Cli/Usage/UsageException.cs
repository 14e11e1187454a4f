namespace TermChat.Cli.Usage;

/// <summary>
/// Bad input a command finds only once it runs (an address that does not parse, options that contradict each
/// other). <see cref="CliErrors"/> prints it like a parse error: one line naming the problem, exit code 2.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
