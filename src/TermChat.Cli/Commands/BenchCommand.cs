using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Scenarios;
using TermChat.LoadGen.Targets;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>
/// `termchat bench`: thin wiring from options to the load generator in bench/TermChat.LoadGen. The
/// generator is its own process; the server under test runs elsewhere (see bench/run-peers.sh).
/// </summary>
internal static class BenchCommand
{
    private static readonly string s_targets = string.Join("\n", TargetCatalog.All.Select(t => $"  {t.Name,-13} {t.Description} (default port {t.DefaultPort})"));

    public static Command Create()
    {
        var command = new Command("bench",
            "Measure a chat server under load: TermChat (TCP or UDP) or the servers people pick instead.\n" +
            "The load generator is this process; start the server separately (bench/run-peers.sh does it all\n" +
            "and writes docs/BENCHMARKS.md). Scenarios:\n" +
            "  fanout       N subscribers in one room, P publishers at a fixed offered rate (open loop);\n" +
            "               deliveries/s, loss and p50/p99/p99.9 latency from each message's scheduled send\n" +
            "               time; --sweep finds the highest rate with p99 <= 10 ms and no loss\n" +
            "  pingpong     one message outstanding; p50/p99/p99.9 round trip\n" +
            "  connections  ramps to N idle connections; server RSS per connection (needs --server-pid)\n" +
            "  udp          reliable-UDP message rate and latency through a TermChat server\n" +
            "Targets (--target):\n" + s_targets + "\n" +
            "A TermChat server's flood control (on by default) would throttle the generator; bench checks first and\n" +
            "stops if it is on. Its 64 connections per address would refuse 100 subscribers. The plaintext targets (and\n" +
            "udp without --dtls) reach a TermChat server on another machine only if it runs with --allow-plaintext:\n" +
            "links that are not loopback must be encrypted (termchat-tls, udp --dtls). Example, in two terminals:\n" +
            "  termchat serve --port 7777 --flood-rate 0 --max-per-ip 1000\n" +
            "  termchat bench fanout --port 7777 --subscribers 100 --rate 10000 --duration 5");
        command.Subcommands.Add(CreateFanout());
        command.Subcommands.Add(CreatePingPong());
        command.Subcommands.Add(CreateConnections());
        command.Subcommands.Add(CreateUdp());
        return command;
    }

    private sealed class Common
    {
        public Option<string> Target { get; } = new("--target", "-t")
        {
            Description = "What to drive: " + string.Join(", ", TargetCatalog.All.Select(t => t.Name)),
            DefaultValueFactory = _ => "termchat",
        };
        public Option<string> Host { get; } = new("--host") { Description = "Server address", DefaultValueFactory = _ => "127.0.0.1" };
        public Option<int?> Port { get; } = new Option<int?>("--port", "-p") { Description = "Server port (default: the target's usual port)" }.InRange(1, 65535, "a port from 1 to 65535");
        public Option<string?> Label { get; } = new("--label") { Description = "Name for this server in the output, e.g. termchat-async or ngircd (default: the target)" };
        public Option<bool> Json { get; } = new("--json") { Description = "Print the results as one line of JSON instead of a table" };
        public Option<bool> NoProgress { get; } = new("--no-progress") { Description = "Do not show the progress line on stderr" };
        public Option<int?> ServerPid { get; } = new("--server-pid") { Description = "The server's process id, to read its CPU time and memory from /proc" };
        public Option<int> Size { get; } = new("--size") { Description = $"Bytes of text per message (at least {LoadGen.Scheduling.ProbeText.MinBytes})", DefaultValueFactory = _ => 48 };

        public Common(Command command, bool size = true)
        {
            Target.AcceptOnlyFromAmong(TargetCatalog.All.Select(t => t.Name).ToArray());
            command.Options.Add(Target);
            command.Options.Add(Host);
            command.Options.Add(Port);
            command.Options.Add(Label);
            command.Options.Add(Json);
            command.Options.Add(NoProgress);
            command.Options.Add(ServerPid);
            if (size)
            {
                command.Options.Add(Size.InRange(LoadGen.Scheduling.ProbeText.MinBytes, 4096));
            }
        }

        public BenchTarget CreateTarget(ParseResult result)
        {
            string name = result.GetValue(Target)!;
            if (!TargetCatalog.TryCreate(name, out var target))
            {
                throw new UsageException($"The {name} target is not available for this scenario.");
            }
            return target;
        }

        public IPEndPoint Endpoint(ParseResult result)
        {
            int port = result.GetValue(Port) ?? TargetCatalog.DefaultPort(result.GetValue(Target)!);
            return new IPEndPoint(Resolve(result.GetValue(Host)!), port);
        }

        public static IPAddress Resolve(string host) =>
            IPAddress.TryParse(host, out var address)
                ? address
                : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                  ?? throw new UsageException($"Cannot resolve {host}.");

        public string LabelOf(ParseResult result) => result.GetValue(Label) ?? result.GetValue(Target)!;

        public bool Progress(ParseResult result) => !result.GetValue(NoProgress);
    }

    private static Command CreateFanout()
    {
        var command = new Command("fanout", "N subscribers in one room and P publishers sending open loop at a fixed offered rate.\n" +
            "Reports deliveries per second, loss, and p50/p99/p99.9 latency measured from each message's scheduled\n" +
            "send time (no coordinated omission).");
        var common = new Common(command);
        var subscribers = new Option<int[]>("--subscribers", "-n")
        {
            Description = "Subscribers in the room; several values run one after another (e.g. -n 10 100 1000)",
            DefaultValueFactory = _ => [100],
            AllowMultipleArgumentsPerToken = true,
        };
        var publishers = new Option<int>("--publishers", "-P") { Description = "Publishers", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate", "-r") { Description = "Offered messages per second, all publishers together (the sweep's starting rate)", DefaultValueFactory = _ => 10_000 };
        var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds per run", DefaultValueFactory = _ => 5 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds sent before measuring (checked for loss, not timed)", DefaultValueFactory = _ => 1 };
        var drain = new Option<double>("--drain") { Description = "Seconds without any delivery after the last send before the run ends", DefaultValueFactory = _ => 3 };
        var maxDrain = new Option<double>("--max-drain") { Description = "Most seconds to wait after the last send; messages not delivered by then count as lost", DefaultValueFactory = _ => 10 };
        var sweep = new Option<bool>("--sweep") { Description = "Find the highest rate with p99 within --p99-limit and no loss (doubling, then bisecting)" };
        var p99Limit = new Option<double>("--p99-limit") { Description = "The sweep's p99 bound in milliseconds", DefaultValueFactory = _ => 10 };
        var bisections = new Option<int>("--bisections") { Description = "Bisection steps after the sweep's doubling phase", DefaultValueFactory = _ => 3 };
        var pollUs = new Option<int>("--poll-us") { Description = "How often the receiving thread reads the subscribers, in microseconds (adds at most this to a message's latency)", DefaultValueFactory = _ => 500 };
        var maxRate = new Option<double>("--max-rate") { Description = "The sweep's highest offered rate (messages per second)", DefaultValueFactory = _ => 2_000_000 };
        var nodes = new Option<string[]>("--node")
        {
            Description = "Another node of the same cluster, as HOST:PORT; subscribers are spread over --host/--port and every --node in turn, publishers stay on --host/--port; --json gives each node's latency (byNode)",
            AllowMultipleArgumentsPerToken = true,
        };
        foreach (var option in new Option[] { subscribers, publishers, rate, duration, warmup, drain, maxDrain, sweep, p99Limit, maxRate, bisections, pollUs, nodes }) command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => RunGuarded(async () =>
        {
            var target = common.CreateTarget(parseResult);
            var endpoint = common.Endpoint(parseResult);
            EndPoint[] subscriberEndpoints = [endpoint, .. (parseResult.GetValue(nodes) ?? []).Select(ParseNode)];
            string label = common.LabelOf(parseResult);
            int publisherCount = parseResult.GetValue(publishers);
            if (publisherCount < 1) throw new UsageException("--publishers must be at least 1.");
            if (!(parseResult.GetValue(rate) > 0)) throw new UsageException("--rate must be positive.");
            if (!(parseResult.GetValue(duration) > 0)) throw new UsageException("--duration must be positive.");
            if (parseResult.GetValue(subscribers)!.Any(n => n < 1)) throw new UsageException("--subscribers must be at least 1.");
            await RequireNoFloodControlAsync(target.Name, endpoint, cancellationToken).ConfigureAwait(false);
            foreach (int n in parseResult.GetValue(subscribers)!)
            {
                FanoutOptions Options(double r) => new()
                {
                    Endpoint = endpoint,
                    SubscriberEndpoints = subscriberEndpoints,
                    Subscribers = n,
                    Publishers = publisherCount,
                    Rate = r,
                    Duration = TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                    Warmup = TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(warmup))),
                    Drain = TimeSpan.FromSeconds(Math.Max(0.1, parseResult.GetValue(drain))),
                    MaxDrain = TimeSpan.FromSeconds(Math.Max(0.1, parseResult.GetValue(maxDrain))),
                    TextBytes = parseResult.GetValue(common.Size),
                    ServerPid = parseResult.GetValue(common.ServerPid),
                    PollInterval = TimeSpan.FromMicroseconds(Math.Clamp(parseResult.GetValue(pollUs), 0, 100_000)),
                };
                bool progress = common.Progress(parseResult);
                BenchDocument document;
                if (parseResult.GetValue(sweep))
                {
                    var runner = new SweepRunner((r, ct) => new FanoutScenario(target, Options(r), progress).RunAsync(ct), parseResult.GetValue(p99Limit) * 1000, Math.Clamp(parseResult.GetValue(bisections), 0, 10));
                    var result = await runner.RunAsync(parseResult.GetValue(rate), 100, parseResult.GetValue(maxRate), cancellationToken).ConfigureAwait(false);
                    document = new BenchDocument { Scenario = "fanout", Label = label, Target = target.Name, Sweep = true, Fanout = result.Trials, Best = result.Best };
                }
                else
                {
                    var result = await new FanoutScenario(target, Options(parseResult.GetValue(rate)), progress).RunAsync(cancellationToken).ConfigureAwait(false);
                    document = new BenchDocument { Scenario = "fanout", Label = label, Target = target.Name, Fanout = [result] };
                }
                if (parseResult.GetValue(common.Json))
                {
                    Console.Out.WriteLine(JsonOutput.Write(document));
                }
                else
                {
                    Console.Out.Write(ResultTables.Fanout(document.Fanout!, label));
                    if (document.Sweep == true)
                    {
                        Console.Out.WriteLine(document.Best is { } best
                            ? string.Create(CultureInfo.InvariantCulture, $"best: {best.OfferedRate:N0} msg/s offered = {best.DeliveriesPerSecond:N0} deliveries/s with p99 {best.Latency.P99Us / 1000:0.000} ms and no loss")
                            : "best: no rate tried met the bound");
                    }
                }
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    private static IPEndPoint ParseNode(string node)
    {
        int colon = node.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(node.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new UsageException($"--node {node}: expected HOST:PORT, e.g. 127.0.0.1:7780.");
        }
        return new IPEndPoint(Common.Resolve(node[..colon].Trim('[', ']')), port);
    }

    private static Command CreatePingPong()
    {
        var command = new Command("pingpong", "One message outstanding: a client sends to the room, a second client receives it, then the next is sent.\n" +
            "With --target echo one connection sends and gets its own bytes back. Reports p50/p99/p99.9 round trip.");
        var common = new Common(command);
        var count = new Option<int>("--count", "-c") { Description = "Timed round trips", DefaultValueFactory = _ => 20_000 };
        var warmup = new Option<int>("--warmup-count") { Description = "Untimed round trips first", DefaultValueFactory = _ => 2_000 };
        command.Options.Add(count);
        command.Options.Add(warmup);
        command.SetAction((parseResult, cancellationToken) => RunGuarded(async () =>
        {
            var target = common.CreateTarget(parseResult);
            string label = common.LabelOf(parseResult);
            if (parseResult.GetValue(count) < 1) throw new UsageException("--count must be at least 1.");
            var endpoint = common.Endpoint(parseResult);
            await RequireNoFloodControlAsync(target.Name, endpoint, cancellationToken).ConfigureAwait(false);
            var scenario = new PingPongScenario(target, endpoint, parseResult.GetValue(count), Math.Max(0, parseResult.GetValue(warmup)),
                parseResult.GetValue(common.Size), common.Progress(parseResult), parseResult.GetValue(common.ServerPid));
            var result = await scenario.RunAsync(cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(common.Json))
            {
                Console.Out.WriteLine(JsonOutput.Write(new BenchDocument { Scenario = "pingpong", Label = label, Target = target.Name, PingPong = result }));
            }
            else
            {
                Console.Out.Write(ResultTables.PingPong([result], label));
            }
            return result.Error is null ? 0 : 1;
        }, cancellationToken));
        return command;
    }

    private static Command CreateConnections()
    {
        var command = new Command("connections", "Ramps to N idle, registered connections and reports the time per connection (the handshake\n" +
            "cost), the server's CPU time and its RSS per connection, read from /proc/<pid> before and after (needs --server-pid;\n" +
            "run on the server's machine). TCP targets open 32 at a time; termchat-udp and termchat-udp-dtls open reliable-UDP\n" +
            "sessions (DTLS handshake first for the latter, then the cookie handshake and Hello/Welcome) 8 at a time, the\n" +
            "server's limit of DTLS handshakes per address.");
        var common = new Common(command, size: false);
        var connections = new Option<int>("--connections", "-n") { Description = "Idle connections to open", DefaultValueFactory = _ => 10_000 };
        var settle = new Option<double>("--settle") { Description = "Seconds to wait after the ramp before reading memory", DefaultValueFactory = _ => 2 };
        command.Options.Add(connections);
        command.Options.Add(settle);
        command.SetAction((parseResult, cancellationToken) => RunGuarded(async () =>
        {
            string name = parseResult.GetValue(common.Target)!;
            string label = common.LabelOf(parseResult);
            int pid = parseResult.GetValue(common.ServerPid) ?? throw new UsageException("connections needs --server-pid PID to read the server's memory.");
            int n = parseResult.GetValue(connections);
            if (n < 1) throw new UsageException("--connections must be at least 1.");
            var settleTime = TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(settle)));
            ConnectionsResult result;
            if (name is "termchat-udp" or "termchat-udp-dtls")
            {
                if (n > UdpBench.MaxSessions) throw new UsageException($"--connections for {name} is at most {UdpBench.MaxSessions:N0} (each session is a thread of the generator).");
                result = await UdpBench.ConnectionsAsync(common.Endpoint(parseResult), n, pid, settleTime, common.Progress(parseResult), dtls: name == "termchat-udp-dtls",
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await new ConnectionsScenario(common.CreateTarget(parseResult), common.Endpoint(parseResult), n, pid, settleTime, common.Progress(parseResult))
                    .RunAsync(cancellationToken).ConfigureAwait(false);
            }
            if (parseResult.GetValue(common.Json))
            {
                Console.Out.WriteLine(JsonOutput.Write(new BenchDocument { Scenario = "connections", Label = label, Target = name, Connections = result }));
            }
            else
            {
                Console.Out.Write(ResultTables.Connections([result], label));
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command CreateUdp()
    {
        var command = new Command("udp", "Reliable-UDP message rate and latency: one publisher and N subscribers, all TermChat clients over the\n" +
            "datagram layer, open loop through the server's UDP port; latency from each message's scheduled send time.");
        var common = new Common(command);
        var subscribers = new Option<int>("--subscribers", "-n") { Description = "Subscribers (over UDP)", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate", "-r") { Description = "Offered messages per second", DefaultValueFactory = _ => 100_000 };
        var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds", DefaultValueFactory = _ => 5 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds sent before measuring", DefaultValueFactory = _ => 1 };
        var dtls = new Option<bool>("--dtls") { Description = "Every client speaks DTLS 1.2 (the server's key is not checked: the generator only measures)" };
        foreach (var option in new Option[] { subscribers, rate, duration, warmup, dtls }) command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => RunGuarded(async () =>
        {
            bool encrypted = parseResult.GetValue(dtls);
            string target = encrypted ? "termchat-udp-dtls" : "termchat-udp";
            string label = parseResult.GetValue(common.Label) ?? target;
            if (parseResult.GetValue(subscribers) < 1) throw new UsageException("--subscribers must be at least 1.");
            if (!(parseResult.GetValue(rate) > 0) || !(parseResult.GetValue(duration) > 0)) throw new UsageException("--rate and --duration must be positive.");
            var endpoint = common.Endpoint(parseResult);
            await RequireNoFloodControlAsync("termchat", endpoint, cancellationToken).ConfigureAwait(false);
            var result = await UdpBench.RunAsync(endpoint, parseResult.GetValue(subscribers), parseResult.GetValue(rate),
                TimeSpan.FromSeconds(parseResult.GetValue(duration)), TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(warmup))),
                parseResult.GetValue(common.Size), parseResult.GetValue(common.ServerPid), common.Progress(parseResult), cancellationToken, encrypted).ConfigureAwait(false);
            if (parseResult.GetValue(common.Json))
            {
                Console.Out.WriteLine(JsonOutput.Write(new BenchDocument { Scenario = "udp", Label = label, Target = target, Udp = result }));
            }
            else
            {
                Console.Out.Write(ResultTables.Udp([result], label));
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    // A TermChat server that throttles the generator would be measured as "0 deliveries/s, 66 % loss": say why instead.
    private static async Task RequireNoFloodControlAsync(string target, IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        if (target != "termchat")
        {
            return;
        }
        if (await Task.Run(() => FloodProbe.Check(endpoint, cancellationToken), cancellationToken).ConfigureAwait(false) is { } notice)
        {
            throw new InvalidOperationException(
                $"the server's flood control is on (it answered a burst of {FloodProbe.Burst} pings with \"{notice}\"): " +
                "start it with `--flood-rate 0` for a load test, e.g. termchat serve --flood-rate 0 --max-per-ip 1000");
        }
    }

    // One-line errors, no stack traces: the benchmark fails the way every other command does.
    private static async Task<int> RunGuarded(Func<Task<int>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("termchat bench: interrupted.");
            return 130;
        }
        catch (Exception exception) when (exception is SocketException or IOException or InvalidOperationException or TimeoutException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"termchat bench: {exception.Message}");
            return 1;
        }
    }
}
