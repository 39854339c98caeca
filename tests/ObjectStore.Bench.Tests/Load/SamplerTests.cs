using ObjectStore.Bench.Load;

namespace ObjectStore.Bench.Tests.Load;

public sealed class SamplerTests
{
    [Theory]
    [InlineData(5 * 1024, 20 * 1024)]
    [InlineData(200 * 1024, 1024 * 1024)]
    [InlineData(20 * 1024 * 1024, 100 * 1024 * 1024)]
    public void Log_normal_sizes_reproduce_the_configured_p50_and_p99(long p50, long p99)
    {
        var sampler = new SizeSampler(new SizeDistribution(p50, p99, null));
        var rng = new Rng(42);
        var sizes = new long[200_000];
        for (var i = 0; i < sizes.Length; i++) sizes[i] = sampler.Sample(rng);
        Array.Sort(sizes);

        Assert.InRange(sizes[sizes.Length / 2], p50 * 0.97, p50 * 1.03);
        Assert.InRange(sizes[sizes.Length * 99 / 100], p99 * 0.95, p99 * 1.05);
    }

    [Fact]
    public void Log_normal_parameters_follow_the_stresstest_formula()
    {
        var sampler = new SizeSampler(new SizeDistribution(15 * 1024, 100 * 1024, null));

        Assert.Equal(Math.Log(15 * 1024), sampler.Mu, 9);
        Assert.Equal(0.8155, sampler.Sigma, 3);  // §14.1 lists σ ≈ 0.82 for profiling
    }

    [Fact]
    public void Sizes_are_clamped_to_max()
    {
        var sampler = new SizeSampler(new SizeDistribution(200 * 1024, 1024 * 1024, 1024 * 1024));
        var rng = new Rng(7);
        var sizes = Enumerable.Range(0, 50_000).Select(_ => sampler.Sample(rng)).ToList();

        Assert.Equal(1024 * 1024, sizes.Max());
        Assert.Contains(sizes, s => s == 1024 * 1024);
    }

    [Fact]
    public void Zipf_ranks_favour_the_newest_with_exponent_two()
    {
        const int n = 100;
        const int samples = 200_000;
        var rng = new Rng(3);
        var counts = new int[n + 1];
        for (var i = 0; i < samples; i++) counts[ZipfSampler.Sample(rng, n)]++;

        Assert.Equal(0, counts[0]);
        // P(k) = k^-2 / H(n, 2); H(100, 2) ≈ 1.6350.
        var harmonic = Enumerable.Range(1, n).Sum(k => 1.0 / ((double)k * k));
        Assert.InRange(counts[1] / (double)samples, 1 / harmonic - 0.01, 1 / harmonic + 0.01);
        Assert.InRange(counts[1] / (double)counts[2], 3.7, 4.3);
        Assert.InRange(counts[1] / (double)counts[3], 8.2, 9.8);
        Assert.True(counts[2] > counts[3] && counts[3] > counts[5] && counts[5] > counts[10]);
        Assert.True(counts[n] >= 0 && counts.Skip(1).Sum() == samples);
    }

    [Fact]
    public void Zipf_never_leaves_one_to_n()
    {
        var rng = new Rng(11);
        for (var i = 0; i < 10_000; i++) Assert.InRange(ZipfSampler.Sample(rng, 3), 1, 3);
        Assert.Equal(1, ZipfSampler.Sample(rng, 1));
    }
}
