using ObjectStore.Bench.Measuring;

namespace ObjectStore.Bench.Tests.Load;

public sealed class HistogramTests
{
    [Fact]
    public void Percentiles_are_within_the_bucket_error_and_never_understate()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 10_000; v++) histogram.Record(v);

        Assert.InRange(histogram.ValueAt(50), 5_000, 5_000 * 1.04);
        Assert.InRange(histogram.ValueAt(90), 9_000, 9_000 * 1.04);
        Assert.InRange(histogram.ValueAt(99), 9_900, 10_000);
        Assert.Equal(10_000, histogram.Max);
        Assert.Equal(5_000.5, histogram.Mean, 6);
    }

    [Fact]
    public void Merged_histograms_count_both()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(10);
        b.Record(1_000_000);
        a.Add(b);

        Assert.Equal(2, a.Count);
        Assert.Equal(1_000_000, a.Max);
        Assert.Equal(10, a.ValueAt(50));
        Assert.Equal(500_005, a.Mean, 6);
    }
}
