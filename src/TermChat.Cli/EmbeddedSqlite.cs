using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TermChat.Cli;

/// <summary>
/// Lets the Native AOT binary stay one file: it carries SQLite's native library as a resource, writes it once to the
/// user's cache (named by its hash, so versions never mix) and points SQLite's P/Invokes at it. Other builds carry no
/// such resource and load the library beside them as usual.
/// </summary>
internal static class EmbeddedSqlite
{
    private const string ResourceName = "native-sqlite";

    /// <summary>Call before anything opens a data file. Does nothing unless this binary carries the library.</summary>
    public static void Prepare()
    {
        using var resource = typeof(EmbeddedSqlite).Assembly.GetManifestResourceStream(ResourceName);
        if (resource is null) return;
        var bytes = new byte[resource.Length];
        resource.ReadExactly(bytes);
        string path = Extract(bytes);
        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly,
            (name, _, _) => name == "e_sqlite3" ? NativeLibrary.Load(path) : IntPtr.Zero);
    }

    private static string Extract(byte[] bytes)
    {
        string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        string directory = Path.Combine(root, "termchat", "native", Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant());
        string path = Path.Combine(directory, OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so");
        if (File.Exists(path) && new FileInfo(path).Length == bytes.Length) return path;
        Directory.CreateDirectory(directory);
        // Written aside and renamed, so that two servers starting at once never load a half-written library.
        string partial = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(partial, bytes);
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
