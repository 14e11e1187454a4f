using System.Diagnostics;

namespace TermChat.Cli.Tests.Service;

/// <summary>`termchat service install|uninstall` through the real binary, the unit checked by systemd itself where it is installed.</summary>
public sealed class ServiceCommandTests : IDisposable
{
    private readonly string _units = Directory.CreateTempSubdirectory("termchat-units-").FullName;

    public void Dispose() => Directory.Delete(_units, recursive: true);

    [Fact]
    public async Task Install_writes_a_hardened_unit_that_runs_serve_with_the_given_options()
    {
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["service", "install", "--unit-dir", _units, "--", "--port", "7790", "--motd", "hi $USER"]);

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains(stdout, line => line.Contains("systemctl daemon-reload && systemctl enable --now termchat", StringComparison.Ordinal));
        string[] unit = File.ReadAllLines(Path.Combine(_units, "termchat.service"));
        string execStart = Assert.Single(unit, line => line.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.EndsWith(" serve --port 7790 --motd \"hi $$USER\"", execStart, StringComparison.Ordinal);
        foreach (string setting in (string[])["DynamicUser=yes", "StateDirectory=termchat", "ReadWritePaths=/var/lib/termchat", "Restart=on-failure",
                     "NoNewPrivileges=yes", "ProtectSystem=strict", "ExecReload=/bin/kill -HUP $MAINPID", "WantedBy=multi-user.target"])
        {
            Assert.Contains(setting, unit);
        }
        await AssertSystemdAcceptsAsync(Path.Combine(_units, "termchat.service"));
    }

    [Fact]
    public async Task Print_shows_the_unit_and_writes_nothing()
    {
        var (code, stdout, _) = await TermchatProcess.RunAsync(["service", "install", "--print", "--unit-name", "chat2", "--unit-dir", _units]);

        Assert.Equal(0, code);
        Assert.Contains("StateDirectory=chat2", stdout);
        Assert.Empty(Directory.GetFiles(_units));
    }

    [Fact]
    public async Task Invalid_serve_options_are_refused_before_anything_is_written()
    {
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["service", "install", "--unit-dir", _units, "--", "--port", "99999"]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("termchat service install: serve option: --port", Assert.Single(stderr), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_units));
    }

    [Fact]
    public async Task A_missing_unit_folder_is_one_line_and_exit_code_1()
    {
        var (code, _, stderr) = await TermchatProcess.RunAsync(["service", "install", "--unit-dir", Path.Combine(_units, "nope")]);

        Assert.Equal(1, code);
        Assert.Contains("does not exist", Assert.Single(stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uninstall_removes_its_own_unit_and_leaves_a_foreign_one_alone()
    {
        Assert.Equal(0, (await TermchatProcess.RunAsync(["service", "install", "--unit-dir", _units])).Code);
        var removed = await TermchatProcess.RunAsync(["service", "uninstall", "--unit-dir", _units]);
        Assert.Equal(0, removed.Code);
        Assert.False(File.Exists(Path.Combine(_units, "termchat.service")));

        string foreign = Path.Combine(_units, "termchat.service");
        File.WriteAllText(foreign, "[Service]\nExecStart=/bin/true\n");
        var refused = await TermchatProcess.RunAsync(["service", "uninstall", "--unit-dir", _units]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("was not written by termchat service install", Assert.Single(refused.Stderr), StringComparison.Ordinal);
        Assert.True(File.Exists(foreign));
    }

    // systemd's own checker, where systemd is installed: unknown keys, bad values and a missing ExecStart binary fail it.
    private static async Task AssertSystemdAcceptsAsync(string unitPath)
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            return;
        }
        var start = new ProcessStartInfo("/usr/bin/systemd-analyze", ["verify", unitPath]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"systemd-analyze verify: {errors}");
    }
}
