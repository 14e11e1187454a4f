using System.CommandLine;

namespace TermChat.Cli.Tests.Usage;

/// <summary>
/// The class of bug, not the instance: every command and every option of the real `termchat` binary, walked from
/// the command tree itself, so a new option is covered the day it is added (or the test says how to classify it).
/// Bad input must give exactly one line on stderr that names the problem and the help to read, exit code 2, and
/// nothing on stdout.
/// </summary>
public sealed class CommandLineSweepTests
{
    // Values of the right type but outside what the option accepts, for options whose type alone cannot be wrong.
    private static readonly Dictionary<string, string> s_badText = new()
    {
        ["--op-file"] = "/nonexistent/termchat-operators",
        ["--transport"] = "carrier-pigeon",
        ["--mode"] = "carrier-pigeon",
        ["--log-level"] = "carrier-pigeon",
        ["--target"] = "carrier-pigeon",
        ["--nick"] = "9 lives",
        ["--room"] = "bad room",
        ["--bind"] = "not-an-address",
        ["--theme"] = "carrier-pigeon",
        ["--unit-name"] = "two words",
        ["--config"] = "/nonexistent/serve.json",
        ["--data"] = " ",
        ["--key"] = " ",
        ["--cluster"] = "http://127.0.0.1:4222",
        ["--node"] = "127.0.0.1",
        ["--cluster-name"] = "two words",
        ["--cluster-creds"] = "/nonexistent/user.creds",
        ["--cluster-tls-ca"] = "/nonexistent/ca.pem",
        ["--cluster-tls-cert"] = "/nonexistent/cert.pem",
        ["--cluster-tls-key"] = "/nonexistent/key.pem",
    };

    // Free text: any string is a valid value.
    private static readonly HashSet<string> s_freeText = ["--name", "--unit-dir", "--motd", "--op", "--password", "--host", "--label", "--input", "--output", "--machine"];

    [Fact]
    public async Task Every_option_given_a_wrong_typed_value_fails_with_one_line_and_exit_code_2()
    {
        var cases = new List<Case>();
        foreach (var (path, command) in Commands())
        {
            foreach (var option in command.Options.Where(o => !IsBuiltIn(o) && o.ValueType != typeof(bool)))
            {
                if (s_freeText.Contains(option.Name))
                {
                    continue;
                }
                string bad = IsNumeric(option.ValueType) ? "abc"
                    : s_badText.TryGetValue(option.Name, out string? text) ? text
                    : throw new InvalidOperationException($"classify {path} {option.Name}: add a wrong value to s_badText, or list it in s_freeText");
                cases.Add(new Case(path, option.Name, [.. Words(path), .. RequiredOtherThan(command, option), option.Name, bad]));
            }
        }

        // The walk reaches the options this sweep was written for (issue 19), not only the easy ones.
        foreach (string expected in (string[])["discover --timeout", "discover --discovery-port", "serve --discovery-port", "netcheck --count", "bench fanout --size", "join --nick", "join --room"])
        {
            Assert.Contains(cases, c => $"{c.Path} {c.Named}" == expected);
        }
        await AssertAllAsync(cases, (c, result) => OneUsageLine(c.Path, result, c.Named));
    }

    [Fact]
    public async Task Every_command_names_an_unknown_option_even_in_front_of_an_address()
    {
        var cases = Commands().Select(c => new Case(c.Path, "unknown option '--no-such-option'", [.. Words(c.Path), "--no-such-option", "127.0.0.1:1"])).ToList();

        await AssertAllAsync(cases, (c, result) => OneUsageLine(c.Path, result, c.Named));
    }

    [Fact]
    public async Task Every_command_prints_its_help_on_stdout_with_exit_code_0()
    {
        var cases = Commands().Select(c => new Case(c.Path, "--help", [.. Words(c.Path), "--help"])).ToList();

        await AssertAllAsync(cases, (c, result) =>
            result.Code == 0 && result.Stderr.Length == 0 && result.Stdout.Any(l => l.StartsWith($"  {Prefix(c.Path)}", StringComparison.Ordinal))
                ? null
                : "expected the usage line on stdout and exit code 0");
    }

    [Theory]
    [InlineData("serve --port 99999", "serve", "--port")]
    [InlineData("serve --flood-burst 0", "serve", "--flood-burst")]
    [InlineData("serve --discovery-port 70000", "serve", "--discovery-port")]
    [InlineData("discover --timeout 0", "discover", "--timeout")]
    [InlineData("discover --discovery-port 0", "discover", "--discovery-port")]
    [InlineData("netcheck 127.0.0.1 --count 0", "netcheck", "--count")]
    [InlineData("bench fanout --size 1", "bench fanout", "--size")]
    [InlineData("bench fanout --port 0", "bench fanout", "--port")]
    [InlineData("bench fanout --publishers 0", "bench fanout", "--publishers")]
    [InlineData("join --discovery-port 0", "join", "--discovery-port")]
    [InlineData("join 127.0.0.1 --connect-timeout 0", "join", "--connect-timeout")]
    [InlineData("join 127.0.0.1:99999", "join", "'99999' is not a port")]
    [InlineData("netcheck", "netcheck", "the address is missing")]
    [InlineData("bench", "bench", "choose a command: fanout")]
    [InlineData("serve --port", "serve", "--port needs a value")]
    public async Task Values_out_of_range_and_missing_values_fail_the_same_way(string commandLine, string path, string named)
    {
        var result = await TermchatProcess.RunAsync(commandLine.Split(' '));

        Assert.Null(OneUsageLine(path, result, named));
    }

    [Theory]
    [InlineData("--nick", "aaaaaaaaaaaaaaaaaaaaaaaaa", "A nick has 1 to 24 characters")]
    [InlineData("--nick", "-dash", "may not start with a digit or '-'")]
    [InlineData("--room", "bad room", "A room name is '#' followed by")]
    [InlineData("--room", "#this-room-name-is-far-too-long-for-the-protocol", "A room name is '#' followed by")]
    public async Task Join_refuses_a_nick_or_room_the_protocol_refuses_before_connecting(string option, string value, string rule)
    {
        // Nothing listens on port 1: a join that got as far as connecting would say "cannot connect", exit 1.
        var result = await TermchatProcess.RunAsync(["join", "127.0.0.1:1", "--plain", option, value], "hello\n");

        Assert.Null(OneUsageLine("join", result, option));
        Assert.Contains(rule, result.Stderr[0], StringComparison.Ordinal);
    }

    private static string? OneUsageLine(string path, (int Code, string[] Stdout, string[] Stderr) result, string named)
    {
        string prefix = Prefix(path);
        if (result.Code != 2) return $"exit code {result.Code}, expected 2";
        if (result.Stdout.Length != 0) return "stdout was not empty";
        if (result.Stderr.Length != 1) return $"{result.Stderr.Length} lines on stderr, expected 1";
        string line = result.Stderr[0];
        if (!line.StartsWith(prefix + ": ", StringComparison.Ordinal)) return $"the line does not start with '{prefix}: '";
        if (!line.EndsWith($"; see '{prefix} --help'", StringComparison.Ordinal)) return "the line does not end with the help to read";
        if (!line.Contains(named, StringComparison.Ordinal)) return $"the line does not name {named}";
        return null;
    }

    // Runs the cases a few at a time (each is a process start) and reports every failure at once.
    private static async Task AssertAllAsync(List<Case> cases, Func<Case, (int Code, string[] Stdout, string[] Stderr), string?> check)
    {
        Assert.NotEmpty(cases);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, _) =>
        {
            var result = await TermchatProcess.RunAsync(c.Args);
            if (check(c, result) is { } problem)
            {
                failures.Add($"termchat {string.Join(' ', c.Args)}: {problem}; stderr: {string.Join(" | ", result.Stderr)}");
            }
        });
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Order()));
    }

    // Every command with its path from the root ("" for termchat itself, "bench fanout", …).
    private static IEnumerable<(string Path, Command Command)> Commands()
    {
        var pending = new Queue<(string, Command)>([("", TermChatCommand.Create())]);
        while (pending.TryDequeue(out var next))
        {
            yield return next;
            foreach (var sub in next.Item2.Subcommands)
            {
                pending.Enqueue(((next.Item1 + " " + sub.Name).Trim(), sub));
            }
        }
    }

    private static string Prefix(string path) => path.Length == 0 ? "termchat" : "termchat " + path;

    private static string[] Words(string path) => path.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // Arguments and required options other than the one under test, so the only problem is the wrong value. The
    // address is given even where it may be left out: a case that wrongly ran would then knock on local port 1, not
    // look for servers on the LAN.
    private static IEnumerable<string> RequiredOtherThan(Command command, Option tested)
    {
        foreach (var argument in command.Arguments)
        {
            yield return "127.0.0.1:1";
        }
        foreach (var option in command.Options.Where(o => o.Required && o != tested))
        {
            yield return option.Name;
            yield return "unused";
        }
    }

    private static bool IsBuiltIn(Option option) => option is System.CommandLine.Help.HelpOption or VersionOption;

    private static bool IsNumeric(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        return type == typeof(int) || type == typeof(long) || type == typeof(double);
    }

    private sealed record Case(string Path, string Named, string[] Args);
}
