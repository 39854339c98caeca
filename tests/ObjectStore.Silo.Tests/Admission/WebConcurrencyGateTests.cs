using ObjectStore.Gateway.Admission;

namespace ObjectStore.Silo.Tests.Admission;

public sealed class WebConcurrencyGateTests
{
    [Fact]
    public void Requests_are_admitted_while_in_flight_is_below_the_limit()
    {
        var gate = new WebConcurrencyGate(2);
        Assert.True(gate.TryEnter());
        Assert.True(gate.TryEnter());
        Assert.False(gate.TryEnter());
        Assert.Equal(2, gate.InFlight);
        gate.Exit();
        Assert.True(gate.TryEnter());
    }

    [Fact]
    public void Zero_max_requests_rejects_every_request()
    {
        var gate = new WebConcurrencyGate(0);
        Assert.False(gate.TryEnter());
        Assert.Equal(0, gate.InFlight);
    }

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/ready", true)]
    [InlineData("/keda", true)]
    [InlineData("/debug/pprof/heap", true)]
    [InlineData("/v1/objects/use/_/k", false)]
    [InlineData("/healthz", false)]
    public void Internal_endpoints_are_exempt(string path, bool exempt) =>
        Assert.Equal(exempt, WebConcurrencyGate.IsInternalPath(path));

    [Fact]
    public void Concurrent_entries_never_exceed_the_limit()
    {
        var gate = new WebConcurrencyGate(10);
        var admitted = 0;
        Parallel.For(0, 1000, _ =>
        {
            if (gate.TryEnter()) Interlocked.Increment(ref admitted);
        });
        Assert.Equal(10, admitted);
        Assert.Equal(10, gate.InFlight);
    }
}
