using System.CommandLine;
using System.CommandLine.Invocation;

namespace TermChat.Cli;

/// <summary>`termchat --version`: the version and the commit, so a bug report names the exact build.</summary>
internal sealed class PrintVersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(ProductVersion.Display);
        return 0;
    }
}
