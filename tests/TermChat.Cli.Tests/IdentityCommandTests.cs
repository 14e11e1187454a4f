using System.Security.Cryptography;
using TermChat.Client.Security;

namespace TermChat.Cli.Tests;

/// <summary>`termchat identity` through the real binary: show, export and import between two machines' config directories.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class IdentityCommandTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _home = Directory.CreateTempSubdirectory("termchat-identity-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    // Each "machine" is a config directory of its own.
    private Dictionary<string, string> Machine(string name) => new() { ["XDG_CONFIG_HOME"] = Path.Combine(_home, name) };

    private string IdentityOf(string machine) => Path.Combine(_home, machine, "termchat", "identity");

    [Fact]
    public async Task Show_makes_the_key_once_and_prints_the_fingerprint_the_client_presents_and_the_file()
    {
        var first = await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("one"));
        var again = await TermchatProcess.RunAsync(["identity"], environment: Machine("one"));

        string fingerprint = new ClientIdentity(IdentityOf("one")).Fingerprint;
        Assert.Equal(0, first.Code);
        Assert.Equal([$"Fingerprint: {fingerprint}", $"Key file:    {IdentityOf("one")}"], first.Stdout);
        Assert.Equal(["termchat identity: there was no identity yet; made a new key"], first.Stderr);
        Assert.Equal(0, again.Code);
        Assert.Equal(first.Stdout, again.Stdout);
        Assert.Empty(again.Stderr);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(IdentityOf("one")));
    }

    [Fact]
    public async Task A_key_exported_to_a_file_and_imported_on_another_machine_is_the_same_identity_there()
    {
        await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("one"));
        string carried = Path.Combine(_home, "carried.pem");

        var exported = await TermchatProcess.RunAsync(["identity", "export", carried], environment: Machine("one"));
        var imported = await TermchatProcess.RunAsync(["identity", "import", carried], environment: Machine("two"));
        var shown = await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("two"));

        string fingerprint = new ClientIdentity(IdentityOf("one")).Fingerprint;
        Assert.Equal(0, exported.Code);
        Assert.Empty(exported.Stdout);
        Assert.StartsWith($"termchat identity: {carried} (mode 0600) is your SECRET key {fingerprint}: whoever has it can use your nicks", Assert.Single(exported.Stderr), StringComparison.Ordinal);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(carried));
        Assert.Equal((0, $"Imported {fingerprint} into {IdentityOf("two")}"), (imported.Code, Assert.Single(imported.Stdout)));
        Assert.Empty(imported.Stderr);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(IdentityOf("two")));
        Assert.Equal($"Fingerprint: {fingerprint}", shown.Stdout[0]);
        Assert.Empty(shown.Stderr);
    }

    [Fact]
    public async Task Export_to_stdout_pipes_into_import_from_stdin_and_warns_on_stderr_only()
    {
        await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("one"));

        var exported = await TermchatProcess.RunAsync(["identity", "export"], environment: Machine("one"));
        var imported = await TermchatProcess.RunAsync(["identity", "import", "-"], string.Join('\n', exported.Stdout) + "\n", Machine("two"));
        var twice = await TermchatProcess.RunAsync(["identity", "import", "-"], string.Join('\n', exported.Stdout) + "\n", Machine("two"));

        string fingerprint = new ClientIdentity(IdentityOf("one")).Fingerprint;
        Assert.Equal(0, exported.Code);
        Assert.Equal(("-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"), (exported.Stdout[0], exported.Stdout[^1]));
        Assert.Contains("the key on stdout is your SECRET key", Assert.Single(exported.Stderr), StringComparison.Ordinal);
        Assert.Equal((0, $"Imported {fingerprint} into {IdentityOf("two")}"), (imported.Code, Assert.Single(imported.Stdout)));
        Assert.Equal((0, $"{IdentityOf("two")} already holds {fingerprint}; nothing changed"), (twice.Code, Assert.Single(twice.Stdout)));
    }

    [Fact]
    public async Task Export_refuses_to_overwrite_a_file_without_force_and_overwrites_it_with_force()
    {
        await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("one"));
        string target = Path.Combine(_home, "precious.txt");
        File.WriteAllText(target, "not yours\n");

        var refused = await TermchatProcess.RunAsync(["identity", "export", target], environment: Machine("one"));
        Assert.Equal((1, $"termchat identity: {target} exists; add --force to overwrite it"), (refused.Code, Assert.Single(refused.Stderr)));
        Assert.Equal("not yours\n", File.ReadAllText(target));

        var forced = await TermchatProcess.RunAsync(["identity", "export", target, "--force"], environment: Machine("one"));
        Assert.Equal(0, forced.Code);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(target));
    }

    [Fact]
    public async Task Import_refuses_to_replace_a_different_identity_without_force_and_replaces_it_with_force()
    {
        await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("one"));
        await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("two"));
        string carried = Path.Combine(_home, "carried.pem");
        await TermchatProcess.RunAsync(["identity", "export", carried], environment: Machine("one"));
        string mine = new ClientIdentity(IdentityOf("two")).Fingerprint, theirs = new ClientIdentity(IdentityOf("one")).Fingerprint;
        string before = File.ReadAllText(IdentityOf("two"));

        var refused = await TermchatProcess.RunAsync(["identity", "import", carried], environment: Machine("two"));
        Assert.Equal(1, refused.Code);
        Assert.Empty(refused.Stdout);
        Assert.Equal($"termchat identity: {IdentityOf("two")} already holds another identity ({mine}); replacing it gives up the nicks and operator " +
            $"rights bound to it: add --force to replace it with {theirs}", Assert.Single(refused.Stderr));
        Assert.Equal(before, File.ReadAllText(IdentityOf("two")));

        var forced = await TermchatProcess.RunAsync(["identity", "import", carried, "--force"], environment: Machine("two"));
        Assert.Equal((0, $"Replaced {mine} with {theirs} in {IdentityOf("two")}"), (forced.Code, Assert.Single(forced.Stdout)));
        Assert.Equal(theirs, new ClientIdentity(IdentityOf("two")).Fingerprint);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(IdentityOf("two")));
    }

    [Fact]
    public async Task Import_takes_an_openssl_style_key_and_warns_that_a_readable_source_should_be_deleted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string sec1 = Path.Combine(_home, "openssl.pem");
        File.WriteAllText(sec1, key.ExportECPrivateKeyPem() + "\n");
        File.SetUnixFileMode(sec1, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var imported = await TermchatProcess.RunAsync(["identity", "import", sec1], environment: Machine("two"));

        string fingerprint = Protocol.Security.KeyFingerprint.Of(key.ExportSubjectPublicKeyInfo());
        Assert.Equal((0, $"Imported {fingerprint} into {IdentityOf("two")}"), (imported.Code, Assert.Single(imported.Stdout)));
        Assert.Equal($"termchat identity: warning: {sec1} can be read by other users; delete it now that the key is imported", Assert.Single(imported.Stderr));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(IdentityOf("two")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("junk", "holds no ECDSA private key in PEM form (export one with 'termchat identity export')")]
    [InlineData("public", "holds no ECDSA private key in PEM form (export one with 'termchat identity export')")]
    [InlineData("rsa", "holds no ECDSA private key in PEM form (export one with 'termchat identity export')")]
    [InlineData("huge", "is larger than 64 KiB: not a key file")]
    public async Task Import_of_something_that_is_not_a_key_fails_with_one_line_and_leaves_the_identity_alone(string what, string problem)
    {
        string file = Path.Combine(_home, what);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        File.WriteAllText(file, what switch
        {
            "junk" => "hello\n",
            "public" => ec.ExportSubjectPublicKeyInfoPem(),
            "rsa" => rsa.ExportPkcs8PrivateKeyPem(),
            _ => new string('A', 70_000),
        });
        await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("two"));
        string before = File.ReadAllText(IdentityOf("two"));

        var result = await TermchatProcess.RunAsync(["identity", "import", file, "--force"], environment: Machine("two"));

        Assert.Equal((1, $"termchat identity: {file} {problem}"), (result.Code, Assert.Single(result.Stderr)));
        Assert.Empty(result.Stdout);
        Assert.Equal(before, File.ReadAllText(IdentityOf("two")));
    }

    [Fact]
    public async Task Export_without_an_identity_fails_with_one_line_and_makes_nothing()
    {
        var result = await TermchatProcess.RunAsync(["identity", "export"], environment: Machine("fresh"));

        Assert.Equal(1, result.Code);
        Assert.Empty(result.Stdout);
        Assert.Equal($"termchat identity: there is no identity in {IdentityOf("fresh")} yet (one is made on the first encrypted connection, " +
            "or by 'termchat identity show')", Assert.Single(result.Stderr));
        Assert.False(File.Exists(IdentityOf("fresh")));
    }

    [Fact]
    public async Task Import_of_a_missing_file_fails_with_one_line()
    {
        string missing = Path.Combine(_home, "nowhere.pem");

        var result = await TermchatProcess.RunAsync(["identity", "import", missing], environment: Machine("two"));

        Assert.Equal(1, result.Code);
        Assert.StartsWith($"termchat identity: cannot read {missing}: ", Assert.Single(result.Stderr), StringComparison.Ordinal);
        Assert.False(File.Exists(IdentityOf("two")));
    }
}
