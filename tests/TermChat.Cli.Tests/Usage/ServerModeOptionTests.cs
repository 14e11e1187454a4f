using TermChat.Cli.Commands;
using TermChat.Server;

namespace TermChat.Cli.Tests.Usage;

/// <summary>`--mode` is read as a <see cref="ServerMode"/>, from the command line and from `serve --config`.</summary>
public sealed class ServerModeOptionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("termchat-mode-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData(new string[0], ServerMode.Async)]
    [InlineData(new[] { "--mode", "select" }, ServerMode.Select)]
    [InlineData(new[] { "--mode", "threads" }, ServerMode.Threads)]
    [InlineData(new[] { "--mode", "Async" }, ServerMode.Async)]
    public void Serve_reads_the_mode_from_its_command_line_with_async_when_none_is_given(string[] words, ServerMode expected)
    {
        Assert.Equal(expected, Read(words).Server.Mode);
    }

    [Fact]
    public void Serve_reads_the_mode_from_its_config_file_and_a_typed_mode_wins()
    {
        string path = Path.Combine(_folder.FullName, "serve.json");
        File.WriteAllText(path, """{"mode": "threads"}""");

        Assert.Equal(ServerMode.Threads, Read(["--config", path]).Server.Mode);
        Assert.Equal(ServerMode.Select, Read(["--config", path, "--mode", "select"]).Server.Mode);
    }

    [Theory]
    [InlineData("carrier-pigeon")]
    [InlineData("1")]
    [InlineData("")]
    public void A_mode_that_is_not_a_name_is_refused_in_one_line_naming_the_choices(string typed)
    {
        var parsed = new ServeArguments().Command.Parse(["--mode", typed]);

        Assert.Equal($"--mode '{typed}' is not one of: select, threads, async", Assert.Single(parsed.Errors).Message);
    }

    private static ServeSettings Read(string[] words)
    {
        var serve = new ServeArguments();
        var parsed = serve.Command.Parse(words);
        Assert.Empty(parsed.Errors);
        return serve.Read(parsed);
    }
}
