using System.Text;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Tests;

internal sealed class CollectingSink : IProbeSink
{
    public List<string> Texts { get; } = [];

    public void OnText(ReadOnlySpan<byte> text) => Texts.Add(Encoding.UTF8.GetString(text));
}
