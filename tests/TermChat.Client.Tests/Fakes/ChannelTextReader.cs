using System.Threading.Channels;

namespace TermChat.Client.Tests.Fakes;

/// <summary>Standard input a test types into line by line; <see cref="End"/> is end of file.</summary>
internal sealed class ChannelTextReader : TextReader
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public void Type(params string[] lines)
    {
        foreach (string line in lines)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    public void End() => _lines.Writer.TryComplete();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _lines.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    public override string? ReadLine() => ReadLineAsync().GetAwaiter().GetResult();
}
