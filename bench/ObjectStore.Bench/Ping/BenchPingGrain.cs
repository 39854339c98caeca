namespace ObjectStore.Bench.Ping;

/// <summary>The grain of Orleans' ping benchmark: an empty call, plus a set-up-only call telling which silo runs it.</summary>
[Alias("objectstore.bench.IBenchPingGrain")]
public interface IBenchPingGrain : IGrainWithStringKey
{
    /// <summary>Does nothing; the measured call.</summary>
    [Alias("Ping")]
    ValueTask Ping(CancellationToken cancellationToken = default);

    /// <summary>The name of the silo this activation lives on (used to pick keys owned by a given silo, never measured).</summary>
    [Alias("SiloName")]
    Task<string> SiloName(CancellationToken cancellationToken = default);
}

/// <summary>The ping grain; random placement spreads keys so cross-silo keys can be found.</summary>
[Orleans.Placement.RandomPlacement]
public sealed class BenchPingGrain(Microsoft.Extensions.Options.IOptions<Orleans.Configuration.SiloOptions> silo) : Grain, IBenchPingGrain
{
    /// <inheritdoc/>
    public ValueTask Ping(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public Task<string> SiloName(CancellationToken cancellationToken) => Task.FromResult(silo.Value.SiloName);
}
