using System.CommandLine;
using TermChat.Cli.Service;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>
/// `termchat service install|uninstall`: run `termchat serve` at boot under systemd. The serve options after `--`
/// are checked with serve's own parser before anything is written.
/// </summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var command = new Command("service", "Run the server at boot as a systemd service (Linux).");
        command.Subcommands.Add(CreateInstall());
        command.Subcommands.Add(CreateUninstall());
        return command;
    }

    private static Option<string> NameOption()
    {
        var name = new Option<string>("--unit-name")
        {
            HelpName = "NAME",
            Description = "The unit's name (NAME.service) and its data directory (/var/lib/NAME).",
            DefaultValueFactory = _ => "termchat",
        };
        name.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not { Length: > 0 and <= 64 } text || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                result.AddError("--unit-name must be a unit name: letters, digits, '-' and '_'");
            }
        });
        return name;
    }

    private static Option<string> UnitDirectoryOption() => new("--unit-dir")
    {
        HelpName = "DIR",
        Description = "Where unit files go.",
        DefaultValueFactory = _ => "/etc/systemd/system",
    };

    private static Command CreateInstall()
    {
        var name = NameOption();
        var unitDirectory = UnitDirectoryOption();
        var print = new Option<bool>("--print") { Description = "Print the unit file instead of writing it." };
        var serveArguments = new Argument<string[]>("serve-options")
        {
            Description = "Options for `termchat serve`, after `--` (e.g. -- --port 7777 --mode select).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("install",
            "Write a systemd unit that runs `termchat serve` as a dedicated user, with its data in /var/lib/NAME, restarted on failure and sandboxed.\n" +
            "Example: sudo termchat service install -- --port 7777 --motd \"welcome\"")
        {
            name, unitDirectory, print, serveArguments,
        };
        command.SetAction(parseResult =>
        {
            string unitName = parseResult.GetValue(name)!;
            string[] serve = ["serve", .. parseResult.GetValue(serveArguments) ?? []];
            try
            {
                ServeArguments.Check(serve[1..]);
            }
            catch (UsageException problem)
            {
                // The problem as serve itself words it, so the user reads about the option they typed.
                throw new UsageException($"serve option: {problem.Message} (see 'termchat serve --help')");
            }
            var unit = new SystemdUnit(ExecStart(serve), unitName, BinaryUnderHome());
            if (parseResult.GetValue(print))
            {
                Console.Out.Write(unit.Render());
                return 0;
            }
            string path = Path.Combine(parseResult.GetValue(unitDirectory)!, unitName + ".service");
            try
            {
                File.WriteAllText(path, unit.Render());
            }
            catch (DirectoryNotFoundException)
            {
                Console.Error.WriteLine($"termchat service install: the folder {Path.GetDirectoryName(path)} does not exist (is systemd installed?); choose one with --unit-dir, or use --print.");
                return 1;
            }
            catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
            {
                Console.Error.WriteLine($"termchat service install: cannot write {path}: {exception.Message} Run it as root (sudo), or use --print.");
                return 1;
            }
            Console.Out.WriteLine($"wrote {path}; data goes to {unit.DataDirectory}. Start it now and at every boot with:");
            Console.Out.WriteLine($"  systemctl daemon-reload && systemctl enable --now {unitName}");
            Console.Out.WriteLine($"Logs: journalctl -u {unitName}. Reload settings: systemctl reload {unitName}.");
            if (unit.BinaryUnderHome)
            {
                // The service's own user cannot enter /root or another user's home folder.
                Console.Out.WriteLine("Note: this termchat lives under a home folder, which the service's user may not be able to read; " +
                    "for a service, copy a binary (./run.sh publish) to /usr/local/bin and run `service install` from there.");
            }
            return 0;
        });
        return command;
    }

    private static Command CreateUninstall()
    {
        var name = NameOption();
        var unitDirectory = UnitDirectoryOption();
        var command = new Command("uninstall", "Remove the unit written by `termchat service install` (stop and disable it first). The data directory is kept.")
        {
            name, unitDirectory,
        };
        command.SetAction(parseResult =>
        {
            string unitName = parseResult.GetValue(name)!;
            string path = Path.Combine(parseResult.GetValue(unitDirectory)!, unitName + ".service");
            try
            {
                if (!File.Exists(path))
                {
                    Console.Error.WriteLine($"termchat service uninstall: there is no {path}.");
                    return 1;
                }
                if (!File.ReadAllText(path).StartsWith(SystemdUnit.Marker, StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"termchat service uninstall: {path} was not written by termchat service install; it is left alone.");
                    return 1;
                }
                File.Delete(path);
            }
            catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
            {
                Console.Error.WriteLine($"termchat service uninstall: cannot remove {path}: {exception.Message} Run it as root (sudo).");
                return 1;
            }
            Console.Out.WriteLine($"removed {path}; run systemctl daemon-reload. The data in /var/lib/{unitName} is kept.");
            return 0;
        });
        return command;
    }

    /// <summary>This very program, however it was started: a native binary, a tool shim, or `dotnet termchat.dll`.</summary>
    private static string ExecStart(IEnumerable<string> arguments)
    {
        string process = Environment.ProcessPath ?? "termchat";
        IEnumerable<string> start = Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "termchat.dll")]
            : [process];
        return string.Join(' ', start.Concat(arguments).Select(SystemdUnit.Quote));
    }

    private static bool BinaryUnderHome()
    {
        string where = Environment.ProcessPath ?? AppContext.BaseDirectory;
        return where.StartsWith("/home/", StringComparison.Ordinal) || where.StartsWith("/root/", StringComparison.Ordinal)
            || AppContext.BaseDirectory.StartsWith("/home/", StringComparison.Ordinal) || AppContext.BaseDirectory.StartsWith("/root/", StringComparison.Ordinal);
    }
}
