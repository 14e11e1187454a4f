using System.Runtime.CompilerServices;

// The reliability engine's internals (RTT estimator, reassembler, ack tracker) are unit-tested directly.
[assembly: InternalsVisibleTo("TermChat.Protocol.Tests")]
