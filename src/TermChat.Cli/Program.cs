using System.CommandLine;

var root = new RootCommand("TermChat: terminal chat over raw TCP and UDP.");
var port = new Option<int>("--port") { Description = "TCP and UDP port.", DefaultValueFactory = _ => 7777 };
var serve = new Command("serve", "Run a headless chat server.") { port };
serve.SetAction((parseResult, ct) => { Console.WriteLine(parseResult.GetValue(port)); return Task.FromResult(0); });
root.Subcommands.Add(serve);
return await root.Parse(args).InvokeAsync();
