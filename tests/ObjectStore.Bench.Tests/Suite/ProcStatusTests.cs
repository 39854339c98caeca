using ObjectStore.Bench.Suite.Memory;

namespace ObjectStore.Bench.Tests.Suite;

public sealed class ProcStatusTests
{
    private const string Canned = """
        Name:	dotnet
        Umask:	0022
        State:	S (sleeping)
        VmPeak:	 3215620 kB
        VmSize:	 3215604 kB
        VmHWM:	  104552 kB
        VmRSS:	   98304 kB
        RssAnon:	   60000 kB
        Threads:	27
        """;

    [Fact]
    public void Rss_and_high_water_mark_are_read_in_bytes()
    {
        var status = ProcStatus.Parse(Canned);

        Assert.Equal(98304L * 1024, status.RssBytes);
        Assert.Equal(104552L * 1024, status.HwmBytes);
    }

    [Fact]
    public void A_status_without_rss_is_refused_by_name()
    {
        var e = Assert.Throws<FormatException>(() => ProcStatus.Parse("Name:\tdotnet\nVmHWM:\t1 kB\n"));
        Assert.Contains("VmRSS", e.Message);
    }

    [Fact]
    public void A_value_not_in_kilobytes_is_refused()
    {
        Assert.Throws<FormatException>(() => ProcStatus.Parse("VmRSS:\t12 MB\nVmHWM:\t1 kB\n"));
    }

    [Fact]
    public async Task The_sampler_sees_this_process_using_memory()
    {
        await using var sampler = new RssSampler(Environment.ProcessId);
        sampler.Restart();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (sampler.Samples < 2 && DateTime.UtcNow < deadline) await Task.Delay(10);

        Assert.True(sampler.Samples >= 2);
        Assert.True(sampler.PeakBytes > 1024 * 1024, $"peak {sampler.PeakBytes}");
        Assert.True(sampler.PeakBytes >= sampler.Now!.Value.RssBytes / 2);
    }
}
