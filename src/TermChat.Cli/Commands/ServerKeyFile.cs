namespace TermChat.Cli.Commands;

/// <summary>Where a server keeps its key when not told (<c>--key</c>): <c>server.key</c> in its data file's directory.</summary>
internal static class ServerKeyFile
{
    /// <summary>The key file beside <paramref name="dataFile"/>.</summary>
    public static string Beside(string dataFile) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataFile))!, "server.key");
}
