using BenchmarkDotNet.Running;

namespace TermChat.Benchmarks;

/// <summary>Runs the codec micro-benchmarks; pass BenchmarkDotNet arguments, e.g. <c>--job short --filter *</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
