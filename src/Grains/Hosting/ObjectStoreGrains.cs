using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Expiry;
using ObjectStore.Grains.Objects;
using ObjectStore.Grains.Recovery;
using ObjectStore.Grains.Sweep;
using Orleans.Configuration;

namespace ObjectStore.Grains.Hosting;

/// <summary>Wires this package's grains into an Orleans silo, and starts their reminders once the silo runs.</summary>
public static class ObjectStoreGrains
{
    /// <summary>The grain storage provider the maintenance grains keep their state in (register one under this name).</summary>
    public const string StateStore = "objectstore";

    /// <summary>
    /// Registers the shared <paramref name="services"/> and what the batch gateway pool needs (the silo's batch
    /// sessions, the one write path, the executor). The tiered storage's owner must be the silo's name
    /// (<see cref="SiloOptions.SiloName"/>): recovery on other silos takes this silo's change entries once its name
    /// leaves the membership's active set; a mismatch would let it clean up this silo's writes in flight, so it fails
    /// the first grain activation instead. Grain classes are found by Orleans from this assembly.
    /// </summary>
    public static ISiloBuilder AddObjectStoreGrains(this ISiloBuilder siloBuilder, ObjectStoreGrainServices services)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        ArgumentNullException.ThrowIfNull(services);
        services.Validate();
        siloBuilder.Services.AddSingleton(provider =>
        {
            var siloName = provider.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName;
            if (services.Storage.Owner != siloName)
                throw new InvalidOperationException(
                    $"the tiered storage's owner '{services.Storage.Owner}' must be the silo name '{siloName}', so recovery can tell whose change entries are orphaned");
            return services;
        });
        siloBuilder.AddIncomingGrainCallFilter<DependencyOutageFilter>();
        siloBuilder.Services.AddSingleton<Caching.MembershipShape>();
        siloBuilder.Services.AddSingleton<BatchSessions>();
        siloBuilder.Services.AddSingleton(services.Batches ?? new BatchExecutor(new ServiceConcurrencyLimiter(new ServiceLimitOptions(), services.Time), new BatchExecutorOptions()));
        siloBuilder.Services.AddSingleton(provider => new ObjectWriter(provider.GetRequiredService<IGrainFactory>(), services.LongTerm, services.Storage.InlineThreshold, services.Storage.Owner));
        siloBuilder.Services.AddSingleton<IBatchOperationRunner>(provider =>
            new ObjectGrainBatchRunner(provider.GetRequiredService<IGrainFactory>(), provider.GetRequiredService<ObjectWriter>()));
        return siloBuilder;
    }

    /// <summary>
    /// The start-up step once the silo runs: makes sure the change-log, expiry and orphan sweep reminders exist
    /// (idempotent; every silo may run it; a disabled sweep removes its reminder). The reminders then wake the single
    /// grains wherever placement puts them.
    /// </summary>
    public static async Task StartMaintenanceAsync(IGrainFactory factory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await factory.GetGrain<IChangeLogGrain>(IChangeLogGrain.Key).EnsureReminder(cancellationToken);
        await factory.GetGrain<IExpiryGrain>(IExpiryGrain.Key).EnsureReminder(cancellationToken);
        await factory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key).EnsureReminder(cancellationToken);
    }
}
