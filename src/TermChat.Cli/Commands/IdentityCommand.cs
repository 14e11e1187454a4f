using System.CommandLine;
using System.Text;
using TermChat.Client.Security;
using TermChat.Protocol.Security;

namespace TermChat.Cli.Commands;

/// <summary>
/// `termchat identity [show|export|import]`: the user's key (<see cref="ClientIdentity"/>), which servers bind nicks
/// and operator rights to; export and import carry it to a second machine.
/// </summary>
internal static class IdentityCommand
{
    // A key file is a few hundred bytes; anything far larger is the wrong file, and reading it whole would be the mistake.
    private const int MaxKeyBytes = 64 * 1024;

    private const string Name = "termchat identity";

    public static Command Create()
    {
        var show = new Command("show", "Print your key's fingerprint and the key file (makes the key if there is none yet).");
        show.SetAction(_ => Show());

        var exportTo = new Argument<string?>("file")
        {
            Description = "Write the key to FILE (mode 0600); '-' or nothing writes it to stdout.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var exportForce = new Option<bool>("--force", "-f") { Description = "Overwrite FILE if it exists." };
        var export = new Command("export", "Write your SECRET key, to carry it to another machine (then 'termchat identity import' there).") { exportTo, exportForce };
        export.SetAction(parseResult => Export(parseResult.GetValue(exportTo), parseResult.GetValue(exportForce)));

        var importFrom = new Argument<string>("file") { Description = "The key file to import ('-' reads stdin), as 'termchat identity export' wrote it (any PEM ECDSA private key)." };
        var importForce = new Option<bool>("--force", "-f") { Description = "Replace a different identity already here (its nicks and operator rights stay with the old key)." };
        var import = new Command("import", "Make a key from another machine your identity here (mode 0600).") { importFrom, importForce };
        import.SetAction(parseResult => Import(parseResult.GetValue(importFrom)!, parseResult.GetValue(importForce)));

        var command = new Command("identity",
            "Your key: servers bind your nicks to it (the first key to use a nick owns it) and name operators by its fingerprint " +
            "(termchat serve --op FINGERPRINT). It lives in $XDG_CONFIG_HOME/termchat/identity (mode 0600) and is made on first use.\n" +
            "With no command: show. To use one identity on two machines: 'termchat identity export FILE' on the first, copy FILE over a " +
            "channel you trust, 'termchat identity import FILE' on the second, and delete the copy.\n" +
            "Exit codes: 0 success, 1 failure (no key, unusable file, refused overwrite), 2 bad arguments.")
        {
            show, export, import,
        };
        command.SetAction(_ => Show());
        return command;
    }

    private static int Show()
    {
        var identity = ClientIdentity.Default();
        return Run(() =>
        {
            bool made = !identity.Exists;
            string fingerprint = identity.Fingerprint;
            if (made) Console.Error.WriteLine($"{Name}: there was no identity yet; made a new key");
            Console.Out.WriteLine($"Fingerprint: {fingerprint}");
            Console.Out.WriteLine($"Key file:    {identity.Path}");
        });
    }

    private static int Export(string? file, bool force) => Run(() =>
    {
        var identity = ClientIdentity.Default();
        string pem = identity.Export();
        string fingerprint = KeyFile.TryParse(pem, out _)!;
        if (file is null or "-")
        {
            Console.Out.Write(pem);
            Console.Out.Flush();
        }
        else if (!KeyFile.Write(file, pem, overwrite: force))
        {
            throw new KeyFileException($"{file} exists; add --force to overwrite it");
        }
        string where = file is null or "-" ? "the key on stdout" : $"{file} (mode 0600)";
        Console.Error.WriteLine($"{Name}: {where} is your SECRET key {fingerprint}: whoever has it can use your nicks and operator rights. " +
            "Copy it only over a channel you trust, import it with 'termchat identity import', then delete the copy.");
    });

    private static int Import(string file, bool force) => Run(() =>
    {
        string source = file == "-" ? "stdin" : file;
        string pem = ReadKeyText(file, source);
        var identity = ClientIdentity.Default();
        var result = identity.Import(pem, source, force);
        Console.Out.WriteLine(result.Outcome switch
        {
            IdentityImportOutcome.Created => $"Imported {result.Fingerprint} into {identity.Path}",
            IdentityImportOutcome.Unchanged => $"{identity.Path} already holds {result.Fingerprint}; nothing changed",
            _ => $"Replaced {result.Replaced} with {result.Fingerprint} in {identity.Path}",
        });
        if (file != "-" && !OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            Console.Error.WriteLine($"{Name}: warning: {file} can be read by other users; delete it now that the key is imported");
        }
    });

    private static string ReadKeyText(string file, string source)
    {
        try
        {
            using var stream = file == "-" ? Console.OpenStandardInput() : File.OpenRead(file);
            var buffer = new byte[MaxKeyBytes + 1];
            int length = 0, read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }
            if (length > MaxKeyBytes) throw new KeyFileException($"{source} is larger than {MaxKeyBytes / 1024} KiB: not a key file");
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"cannot read {source}: {exception.Message}", exception);
        }
    }

    // Every failure of these commands is a file the user can fix: one line naming it, exit code 1.
    private static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (KeyFileException problem)
        {
            Console.Error.WriteLine($"{Name}: {problem.Message}");
            return 1;
        }
    }
}
