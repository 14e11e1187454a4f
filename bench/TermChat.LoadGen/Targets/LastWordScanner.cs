using System.Buffers;

namespace TermChat.LoadGen.Targets;

/// <summary>Reads LF-terminated lines and reports each line's last space-separated word.</summary>
public sealed class LastWordScanner : IStreamScanner
{
    /// <inheritdoc/>
    public string? LastError => null;

    /// <inheritdoc/>
    public int Scan(ReadOnlySpan<byte> data, IProbeSink sink, IBufferWriter<byte> replies)
    {
        int consumed = 0;
        while (true)
        {
            int newline = data[consumed..].IndexOf((byte)'\n');
            if (newline < 0) break;
            var line = data.Slice(consumed, newline);
            consumed += newline + 1;
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            int space = line.LastIndexOf((byte)' ');
            sink.OnText(line[(space + 1)..]);
        }
        return consumed;
    }
}
