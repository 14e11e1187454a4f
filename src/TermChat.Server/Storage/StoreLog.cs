using Microsoft.Extensions.Logging;

namespace TermChat.Server.Storage;

/// <summary>Source-generated log methods for the data file.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(101, LogLevel.Error, "Cannot write the data file (SQLite error {Code}: {Message}); room messages are refused until it can, and the write is retried every second")]
    public static partial void WriteFailed(ILogger logger, int code, string message);

    [LoggerMessage(102, LogLevel.Information, "The data file is writable again; room messages are taken again")]
    public static partial void Recovered(ILogger logger);

    [LoggerMessage(103, LogLevel.Warning, "Cannot add messages to the search index (SQLite error {Code}: {Message}); searches miss the newest messages until it can")]
    public static partial void IndexFailed(ILogger logger, int code, string message);
}
