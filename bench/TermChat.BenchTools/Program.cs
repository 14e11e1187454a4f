using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using TermChat.BenchTools;
using TermChat.LoadGen.Reporting;

// The benchmark rig's helpers, run by bench/run-peers.sh and bench/run-durable.sh: `echo-server`, `nxdomain`, `report`,
// `fill-history`.
var root = new RootCommand("Helpers for bench/run-peers.sh; users measure with `termchat bench`.");
root.Subcommands.Add(EchoServerCommand());
root.Subcommands.Add(NxDomainCommand());
root.Subcommands.Add(ReportCommand());
root.Subcommands.Add(FillHistoryCommand());
try
{
    return await root.Parse(args).InvokeAsync();
}
catch (Exception exception) when (exception is SocketException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException or ArgumentException)
{
    Console.Error.WriteLine($"termchat-benchtools: {exception.Message}");
    return 1;
}

static Command EchoServerCommand()
{
    var port = new Option<int>("--port", "-p") { Description = "Port to listen on (0 picks a free one)", DefaultValueFactory = _ => 7800 };
    var bind = new Option<string>("--bind") { Description = "Address to bind", DefaultValueFactory = _ => "127.0.0.1" };
    var command = new Command("echo-server", "The trivial blocking TCP echo server that ping-pong compares with (`termchat bench pingpong --target echo`).") { port, bind };
    command.SetAction(async (parseResult, cancellationToken) =>
    {
        using var server = new EchoServer(new IPEndPoint(IPAddress.Parse(parseResult.GetValue(bind)!), parseResult.GetValue(port)));
        Console.Error.WriteLine($"echo server on {server.Endpoint}");
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    });
    return command;
}

static Command NxDomainCommand()
{
    var bind = new Option<string>("--bind") { Description = "Loopback address to answer on (port 53)", DefaultValueFactory = _ => "127.0.0.53" };
    var command = new Command("nxdomain", "Answer every DNS query on a loopback address with NXDOMAIN (keeps ircd-hybrid's resolver off the network).") { bind };
    command.SetAction(async (parseResult, cancellationToken) =>
    {
        var address = IPAddress.Parse(parseResult.GetValue(bind)!);
        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException("--bind must be a loopback address.");
        }
        using var responder = new NxDomainResponder(new IPEndPoint(address, 53));
        await responder.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    });
    return command;
}

static Command ReportCommand()
{
    var input = new Option<string>("--input") { Description = "JSON-lines file written by the bench script", Required = true };
    var machine = new Option<string?>("--machine") { Description = "Markdown file describing the machine and conditions, inserted as is" };
    var output = new Option<string>("--output") { Description = "The markdown file whose bench section is replaced", Required = true };
    var command = new Command("report", "Turn JSON-lines results of repeated runs into the markdown section of docs/BENCHMARKS.md.") { input, machine, output };
    command.SetAction(async (parseResult, cancellationToken) =>
    {
        var documents = (await File.ReadAllLinesAsync(parseResult.GetValue(input)!, cancellationToken).ConfigureAwait(false))
            .Where(line => line.StartsWith('{'))
            .Select(JsonOutput.Read)
            .ToList();
        string machineText = parseResult.GetValue(machine) is { } path ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : "";
        string section = MarkdownReport.Build(documents, machineText);
        string outputPath = parseResult.GetValue(output)!;
        string existing = File.Exists(outputPath) ? await File.ReadAllTextAsync(outputPath, cancellationToken).ConfigureAwait(false) : "# Benchmarks\n";
        await File.WriteAllTextAsync(outputPath, MarkdownReport.ReplaceSection(existing, section), cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine($"wrote {outputPath}");
        return 0;
    });
    return command;
}

static Command FillHistoryCommand()
{
    var port = new Option<int>("--port", "-p") { Description = "The server's port on 127.0.0.1", Required = true };
    var rooms = new Option<int>("--rooms") { Description = "Rooms to fill", DefaultValueFactory = _ => 1000 };
    var entries = new Option<int>("--entries") { Description = "Messages sent to each room", DefaultValueFactory = _ => 200 };
    var size = new Option<int>("--size") { Description = "Bytes of text per message", DefaultValueFactory = _ => 48 };
    var command = new Command("fill-history", "Fill a running server's rooms with messages over the protocol and wait until every one is echoed (stored).") { port, rooms, entries, size };
    command.SetAction(async (parseResult, cancellationToken) =>
    {
        var filler = new HistoryFiller(new IPEndPoint(IPAddress.Loopback, parseResult.GetValue(port)), parseResult.GetValue(rooms), parseResult.GetValue(entries), parseResult.GetValue(size));
        await filler.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    });
    return command;
}
