using TermChat.LoadGen.Metrics;

namespace TermChat.LoadGen.Tests;

public class ProcessProbeTests
{
    [Fact]
    public void Cpu_ticks_are_utime_plus_stime_even_when_the_command_name_has_spaces_and_parentheses()
    {
        string stat = "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 1234 0 0 0 1500 250 0 0 20 0 12 0 100 1000000 2000 18446744073709551615";
        Assert.Equal(1750, ProcessProbe.ParseCpuTicks(stat));
    }

    [Fact]
    public void Resident_memory_is_read_from_the_VmRSS_line_in_bytes()
    {
        string status = "Name:\tdotnet\nVmPeak:\t  999 kB\nVmRSS:\t   51200 kB\nThreads:\t12\n";
        Assert.Equal(51200L * 1024, ProcessProbe.ParseVmRssBytes(status));
    }

    [Fact]
    public void The_own_process_can_be_read()
    {
        int pid = Environment.ProcessId;
        Assert.True(ProcessProbe.TryReadCpuSeconds(pid) >= 0);
        Assert.True(ProcessProbe.TryReadRssBytes(pid) > 1024 * 1024);
    }

    [Fact]
    public void A_missing_process_reads_as_null()
    {
        Assert.Null(ProcessProbe.TryReadRssBytes(int.MaxValue));
    }
}
